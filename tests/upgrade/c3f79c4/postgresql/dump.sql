--
-- PostgreSQL database dump
--

\restrict AFtghSHb9fzJh8Djg6hZPHVhHC8RUOqZnwc5FJSrWXoEUPK5x0yVRHzM6Ed5Mq1

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: audit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit (
    id bigint NOT NULL,
    at double precision NOT NULL,
    kind text NOT NULL,
    identity text NOT NULL,
    detail text NOT NULL
);


--
-- Name: audit_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.audit_id_seq OWNED BY public.audit.id;


--
-- Name: codes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.codes (
    id bigint NOT NULL,
    code_sha256 text NOT NULL,
    identity text NOT NULL,
    created double precision NOT NULL,
    expires double precision NOT NULL,
    used_at double precision,
    used_by text DEFAULT ''::text NOT NULL,
    revoked integer DEFAULT 0 NOT NULL
);


--
-- Name: codes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.codes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: codes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.codes_id_seq OWNED BY public.codes.id;


--
-- Name: enrollments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.enrollments (
    id bigint NOT NULL,
    at double precision NOT NULL,
    identity text NOT NULL,
    method text NOT NULL,
    peer text NOT NULL,
    label text NOT NULL,
    operation text NOT NULL,
    csr_sha256 text NOT NULL,
    key_sha256 text NOT NULL,
    subject text NOT NULL,
    sans text NOT NULL,
    decision text NOT NULL,
    rule text NOT NULL,
    reason text NOT NULL,
    serial text,
    not_after double precision,
    certificate text
);


--
-- Name: enrollments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.enrollments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: enrollments_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.enrollments_id_seq OWNED BY public.enrollments.id;


--
-- Name: pending; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pending (
    id bigint NOT NULL,
    at double precision NOT NULL,
    label text NOT NULL,
    operation text NOT NULL,
    identity text NOT NULL,
    key_sha256 text NOT NULL,
    subject text NOT NULL,
    sans text NOT NULL,
    csr text NOT NULL,
    status text NOT NULL,
    reason text DEFAULT ''::text NOT NULL,
    decided_by text DEFAULT ''::text NOT NULL,
    decided_at double precision,
    serial text
);


--
-- Name: pending_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.pending_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: pending_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.pending_id_seq OWNED BY public.pending.id;


--
-- Name: rate_counters; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.rate_counters (
    bucket text NOT NULL,
    window_start bigint NOT NULL,
    hits integer NOT NULL
);


--
-- Name: scep_nonces; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.scep_nonces (
    nonce text NOT NULL,
    at double precision NOT NULL
);


--
-- Name: scep_transactions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.scep_transactions (
    label text NOT NULL,
    transaction_id text NOT NULL,
    signer_sha256 text NOT NULL,
    at double precision NOT NULL,
    identity text NOT NULL,
    method text NOT NULL,
    operation text NOT NULL,
    csr text NOT NULL,
    serial text
);


--
-- Name: schema_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_version (
    version integer NOT NULL
);


--
-- Name: audit id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit ALTER COLUMN id SET DEFAULT nextval('public.audit_id_seq'::regclass);


--
-- Name: codes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.codes ALTER COLUMN id SET DEFAULT nextval('public.codes_id_seq'::regclass);


--
-- Name: enrollments id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.enrollments ALTER COLUMN id SET DEFAULT nextval('public.enrollments_id_seq'::regclass);


--
-- Name: pending id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pending ALTER COLUMN id SET DEFAULT nextval('public.pending_id_seq'::regclass);


--
-- Data for Name: audit; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit (id, at, kind, identity, detail) FROM stdin;
1	1796548600.3755975	rejected	operator	{"pending": 1, "reason": "not one of ours"}
2	1796548600.8694203	approved	operator	{"pending": 2, "reason": ""}
3	1796548602.007526	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
\.


--
-- Data for Name: codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.codes (id, code_sha256, identity, created, expires, used_at, used_by, revoked) FROM stdin;
1	c620d3e2009e4a2c555b756c1aa072f6d327078f9284cb017e626e34c28e0f1e	basic:carol	1796548601.999535	2111908601.999535	\N		0
\.


--
-- Data for Name: enrollments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.enrollments (id, at, identity, method, peer, label, operation, csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, not_after, certificate) FROM stdin;
1	1796548599.402846	basic:alice	basic	127.0.0.1	default	simpleenroll	4e00e0d5738aa5f0574a9bc66c7cd3f9d381a3e2c7066da2289068dce799e760	d5e7b72ba022033ba7cff1943e0ce3f0b5e533ba1d0ac1cb93546d02f75b8cd6	CN=alice	[]	issued	issued		5e86fa2298fe89619e0cee0062dd7219a07bb	2111908596	MIIBrzCCAVWgAwIBAgITBehvoimP6JYZ4M7gBi3XIZoHuzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxMTM5WhcNMzYxMjAzMDkxNjM2WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABEi4GqiMlC/3vHJ/Z6CC+v/XxwMbD/BL0JKMCqJHheAGMaQfMCdkVMxOPWEiRvXfTO7i8yVDjUW8LlWPp4tWyfWjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBRSLz9EdRXCJZPpPz70LmFF3QwAtzAfBgNVHSMEGDAWgBTz7qhQaNDbSEbzAiEm+T9L2vA27zATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiBdvp9Ng+3BYoCUfo3o+UYrVnpusIsrKiIbevjwbR5ZLAIhALpwvQvVQxlmmMRZdVxQl09aYdbvC3DSFspiRX05Nggo
2	1796548599.5567856	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	4bfb8bc734b5c13872b044874a7e15edd0336b9d2f9ae5527f092cd62863e4bb	d5a81d0428eb9c27e4fe08673bbe18c9ef056d580271ee216612e35973b20dd3	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796548599.6805146	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	8d6018790d35414aac87c810d1c998ec3612587da17891aafa2d16823690b817	49e0c78e5bb9f99490ed67ee23febc36a2c219f3d37dee9414383d6b58447385	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796548599.8320236	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	5daa6c76e82a1dda7181f01e55a9b2230cf893eb457c76e2fd821d87b08c4a26	38608db14dd5b2721744e67f8fa2bac64fcfb9b7451fee4d145a3cb84fe709a3	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796548602.3645005	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	6f9f035fe3f5767f9ffacaa7aea9628208b2a7880d7043bd5a87a95494148766	32bf08c93cd2c82a47f1f80d08ec5f750f6802c8b10109cbb90351b3f4b26dbc	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		64b5c51d5e447a1964366ba27ec71a2973fe7	2111908596	MIICsDCCAlegAwIBAgITBktcUdXkR6GWQ2a6J+xxopc/5zAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxMTQyWhcNMzYxMjAzMDkxNjM2WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDXiWU0F4bhrdnPjYMix3n6YL/vevpnzDi3O1HUtow0TwEenF4aDAVjj5pRdwETQLjvBKl4UGae2xv7pu8RZco2YvOPAj0WrbU7w4r3syRbBi46R4tKSF1RmETmHPElme+hHtGuDmqA8kYq3CKcG3738B1MwzKnuP6ibNbzVxGV6F/LX7qwqD49e6sdWMlFTz06f83rjpuU1JY10Ol+CVhDdjDObzerdjt25533atncVB3MD40xe43Umpm0pcGmbf+59Vy0f1E/qon0s3MV7LTjGpqMnsY3pQ4nsckfZpjd+X/csn9IJ07CFdaZtvmx3jBY6bj2Ypu7g2pUZ7EllLT9AgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBSw53m9jckOTzfvJqazdt3sZ8lF/DAfBgNVHSMEGDAWgBTz7qhQaNDbSEbzAiEm+T9L2vA27zATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNHADBEAiBA4BZuL2zIQVTnSMnjvgeX4tEdMjQMUiUXBpdekEtUPwIgSpz5QyPxdlFf+sIQQCNjuKcy6jqn4HBau2SGackIC/Q=
6	1796548602.4157643	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	9ae3a58d197c4789a0cd8c31f23974dd96f3402298f9dbbd1a038f530504ff65	b34016852175db0b6ef1e0d46f91e5e8080dd90d136e8d7fb890c48790388a2a	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial) FROM stdin;
3	1796548599.8341334	held	simpleenroll	basic:dev-pending	38608db14dd5b2721744e67f8fa2bac64fcfb9b7451fee4d145a3cb84fe709a3	CN=dev-pending	[]	MIHRMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATfULaC3OE2POFHSawuXtenhhlUVqLusk03u0fAJg8TGPTYyP8Zru+Lrgtu4ZonXVoJ7mKz3ynWTQbN97J8JAlmoAAwCgYIKoZIzj0EAwIDSQAwRgIhAK+M+aSOEGOe4vJgVJIg0NTH+RRXpJcT+X6y3LvLfwLhAiEA0bmBHegHhcVgOZ+5UoLN44MrRIep5sfs/EZnIkMMHTI=	pending			\N	\N
1	1796548599.5596066	held	simpleenroll	basic:dev-rejected	d5a81d0428eb9c27e4fe08673bbe18c9ef056d580271ee216612e35973b20dd3	CN=dev-rejected	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIwn69MKVxAcYjeOqbkGFbppWW/tMFyklpayTp7Qgk+a0ZHSeVxUrRsdkHu9Zemx+0L+D7XGpo6yueil79LdXaAAMAoGCCqGSM49BAMCA0cAMEQCIDdqIhocebx3TlNWs5oK+q0mEE3ONo/rzzIAcCjkYhM5AiAmsXiaDMAWBkR3HDFYPXiIB3paEKTTeLptrA6FBBNiTg==	rejected	not one of ours	operator	1796548600.359509	\N
2	1796548599.682532	held	simpleenroll	basic:dev-approved	49e0c78e5bb9f99490ed67ee23febc36a2c219f3d37dee9414383d6b58447385	CN=dev-approved	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE874vJoPanu2tdg1yrJNrRliwcf3mH2jzg/ZLkykKsl1hFufK+vrmS2QOe+x6BTicizGzUjmUaYSH7aS5TCrjnqAAMAoGCCqGSM49BAMCA0gAMEUCIA2l80eKFJLX4IYwOtdVl2chPXVH2KEQ18UEhme4AKpSAiEA9QG0vMp3Gx3YHjH6Zi2DmFZOCZ9p664Yynwu/dGR1M0=	approved		operator	1796548600.8648973	\N
4	1796548602.4165993	held	scep-pkcsreq	scep-static:held:	b34016852175db0b6ef1e0d46f91e5e8080dd90d136e8d7fb890c48790388a2a	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAJ3xxDjCIJXIs6jrkM+g1hl2FjInKqlnX5XFN+A3/ciMj+wLQWajn+lXPbiFOvYe4Y2yCFY15Dt5gsY+nGBy4BwfDWKqqfbu9y6/vdyz3FVce6woIhItaxrUsjR8xpEYoVHpPMVsCosKKAWi4EJkUmzo46wW+HE8nVNjoWhOkqCDD6Ffov9sNfMdFPWk9SfnGdyFFZEOAqYsgRWtzanesxL9RoAAENFJCGZcnfXZorla8JlUCxXVTt8MD7uDXnuRfvpyMy4Bu+Yv74Uk3GtB1g3zrekct8Eo0BTKMT/uR9eSRVhHFA5znIDQ/7NaW7YvP8o/3c70z0XbXg0da5sADgsCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQAmQv5aS3xc0zmvJhfAIz66IJ/C0KYBn0oBihhVo0x3tvHBhW5+ATEJ32vZc3Tm+OODSOCA2rwiPrk40Lxd138yIyn0byj9yvWGYdSTLYpYvgAjy39dqteojaTzfzA10uqdVyaiIwDvKLcSFFW9Z03Gq07bCjD60x6wZEK3ShrTTsg4GUZOfE+Uv8ACVIQQ9pG+m13lMqmEIiSLorN/U9kjtyqMu2c/K6pcHM5TeYtIalJadgq4lo1vzIzDRAFbem1Rur5m+UEizFdXDhmptKosqKbEVU5V+51ijOivibHB9Rp1KPzTptZ5q1n0ePUanzCTI5kmHR/dJQH4OZGTYoXE	pending			\N	\N
\.


--
-- Data for Name: rate_counters; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.rate_counters (bucket, window_start, hits) FROM stdin;
\.


--
-- Data for Name: scep_nonces; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_nonces (nonce, at) FROM stdin;
075dc65de5f36bd7eeb76683a3ce6a43	1796548602.3373754
c3e856039796f19f3808bcba5461f6ec	1796548602.3959384
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	eLvlOwWMMjxxUwhaYJB1i1qvm6M=	32bf08c93cd2c82a47f1f80d08ec5f750f6802c8b10109cbb90351b3f4b26dbc	1796548602.362934	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA14llNBeG4a3Zz42DIsd5+mC/73r6Z8w4tztR1LaMNE8BHpxeGgwFY4+aUXcBE0C47wSpeFBmntsb+6bvEWXKNmLzjwI9Fq21O8OK97MkWwYuOkeLSkhdUZhE5hzxJZnvoR7Rrg5qgPJGKtwinBt+9/AdTMMyp7j+omzW81cRlehfy1+6sKg+PXurHVjJRU89On/N646blNSWNdDpfglYQ3Ywzm83q3Y7dued92rZ3FQdzA+NMXuN1JqZtKXBpm3/ufVctH9RP6qJ9LNzFey04xqajJ7GN6UOJ7HJH2aY3fl/3LJ/SCdOwhXWmbb5sd4wWOm49mKbu4NqVGexJZS0/QIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAMrK7XF0K3IU6pVPKOuby8e5UShJ2QV8bTezbyXDDZKBDkk7BRMczgn7BotaKGLa1uJs0EyA1PI35YL/WfUiaKDbaM17BpMFPU/gnpmX5Q201KKUceAvzxYONTi0ojfz2b57II+W6TtFs66F1XA5XEhyS9418QCmN+kImmsvoMgqwo17J8uqOXTSnOKOn5r4BcRrZfhFp/R3ij5ZEpBchSA9EfEpq3mjFywWP784gQc+7U/Sv9uYo7CSEVC1DEwK0ImrSB0N6ah/u48UJUH7vXimWt8/yJzGvUg36jimn+75G/vCJ8PeS7cXc64QgMHp1eSB0MxmI8mvEBOYqAY9lRU=	64b5c51d5e447a1964366ba27ec71a2973fe7
held	qnDQAlbMO6TlZ1VAnYSTi5tqRoU=	b34016852175db0b6ef1e0d46f91e5e8080dd90d136e8d7fb890c48790388a2a	1796548602.4055967	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAJ3xxDjCIJXIs6jrkM+g1hl2FjInKqlnX5XFN+A3/ciMj+wLQWajn+lXPbiFOvYe4Y2yCFY15Dt5gsY+nGBy4BwfDWKqqfbu9y6/vdyz3FVce6woIhItaxrUsjR8xpEYoVHpPMVsCosKKAWi4EJkUmzo46wW+HE8nVNjoWhOkqCDD6Ffov9sNfMdFPWk9SfnGdyFFZEOAqYsgRWtzanesxL9RoAAENFJCGZcnfXZorla8JlUCxXVTt8MD7uDXnuRfvpyMy4Bu+Yv74Uk3GtB1g3zrekct8Eo0BTKMT/uR9eSRVhHFA5znIDQ/7NaW7YvP8o/3c70z0XbXg0da5sADgsCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQAmQv5aS3xc0zmvJhfAIz66IJ/C0KYBn0oBihhVo0x3tvHBhW5+ATEJ32vZc3Tm+OODSOCA2rwiPrk40Lxd138yIyn0byj9yvWGYdSTLYpYvgAjy39dqteojaTzfzA10uqdVyaiIwDvKLcSFFW9Z03Gq07bCjD60x6wZEK3ShrTTsg4GUZOfE+Uv8ACVIQQ9pG+m13lMqmEIiSLorN/U9kjtyqMu2c/K6pcHM5TeYtIalJadgq4lo1vzIzDRAFbem1Rur5m+UEizFdXDhmptKosqKbEVU5V+51ijOivibHB9Rp1KPzTptZ5q1n0ePUanzCTI5kmHR/dJQH4OZGTYoXE	\N
\.


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.schema_version (version) FROM stdin;
1
2
3
\.


--
-- Name: audit_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_id_seq', 3, true);


--
-- Name: codes_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.codes_id_seq', 1, true);


--
-- Name: enrollments_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.enrollments_id_seq', 6, true);


--
-- Name: pending_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.pending_id_seq', 4, true);


--
-- Name: audit audit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit
    ADD CONSTRAINT audit_pkey PRIMARY KEY (id);


--
-- Name: codes codes_code_sha256_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.codes
    ADD CONSTRAINT codes_code_sha256_key UNIQUE (code_sha256);


--
-- Name: codes codes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.codes
    ADD CONSTRAINT codes_pkey PRIMARY KEY (id);


--
-- Name: enrollments enrollments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.enrollments
    ADD CONSTRAINT enrollments_pkey PRIMARY KEY (id);


--
-- Name: pending pending_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pending
    ADD CONSTRAINT pending_pkey PRIMARY KEY (id);


--
-- Name: rate_counters rate_counters_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rate_counters
    ADD CONSTRAINT rate_counters_pkey PRIMARY KEY (bucket, window_start);


--
-- Name: scep_nonces scep_nonces_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scep_nonces
    ADD CONSTRAINT scep_nonces_pkey PRIMARY KEY (nonce);


--
-- Name: scep_transactions scep_transactions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scep_transactions
    ADD CONSTRAINT scep_transactions_pkey PRIMARY KEY (label, transaction_id, signer_sha256);


--
-- Name: enrollments_identity; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_identity ON public.enrollments USING btree (identity, at);


--
-- Name: enrollments_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_serial ON public.enrollments USING btree (serial);


--
-- Name: pending_match; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_match ON public.pending USING btree (label, identity, key_sha256);


--
-- Name: scep_transactions_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX scep_transactions_serial ON public.scep_transactions USING btree (serial, signer_sha256);


--
-- PostgreSQL database dump complete
--

\unrestrict AFtghSHb9fzJh8Djg6hZPHVhHC8RUOqZnwc5FJSrWXoEUPK5x0yVRHzM6Ed5Mq1

