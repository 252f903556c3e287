--
-- PostgreSQL database dump
--

\restrict qNvzDuVETsMuRm2paaoChQHXeAXD0ShSOUIswiGxD77JYrcPwqCxMVOTOsVeQPV

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
-- Name: attempts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.attempts (
    id bigint NOT NULL,
    hour bigint NOT NULL,
    first_at double precision NOT NULL,
    last_at double precision NOT NULL,
    face text NOT NULL,
    operation text NOT NULL,
    label text NOT NULL,
    rule text NOT NULL,
    name text NOT NULL,
    address text NOT NULL,
    reason text NOT NULL,
    count bigint NOT NULL
);


--
-- Name: attempts_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.attempts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: attempts_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.attempts_id_seq OWNED BY public.attempts.id;


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
-- Name: ca_rollovers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ca_rollovers (
    generation integer NOT NULL,
    at double precision NOT NULL,
    root text NOT NULL,
    links text NOT NULL,
    wrapped_key text NOT NULL,
    retired_at double precision,
    key_uri text DEFAULT ''::text NOT NULL
);


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
    revoked integer DEFAULT 0 NOT NULL,
    bound text DEFAULT ''::text NOT NULL
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
-- Name: console_sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.console_sessions (
    token_sha256 text NOT NULL,
    operator text NOT NULL,
    csrf text NOT NULL,
    address text NOT NULL,
    created double precision NOT NULL,
    expires double precision NOT NULL,
    last_seen double precision DEFAULT 0 NOT NULL,
    flash text DEFAULT ''::text NOT NULL
);


--
-- Name: crls; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.crls (
    issuer text NOT NULL,
    number bigint NOT NULL,
    at double precision NOT NULL,
    next_update double precision NOT NULL,
    last_revocation bigint NOT NULL,
    der text NOT NULL
);


--
-- Name: device_names; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.device_names (
    name text NOT NULL COLLATE pg_catalog."C",
    enrollment bigint NOT NULL
);


--
-- Name: enrollment_hours; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.enrollment_hours (
    hour bigint NOT NULL,
    decision text NOT NULL,
    shard bigint NOT NULL,
    count bigint NOT NULL
);


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
    certificate text,
    auth_serial text
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
-- Name: login_buckets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.login_buckets (
    key text NOT NULL,
    tokens double precision NOT NULL,
    stamp double precision NOT NULL
);


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
    serial text,
    claimed_at double precision
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
-- Name: renewal_advances; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.renewal_advances (
    id bigint NOT NULL,
    at double precision NOT NULL,
    label text NOT NULL,
    serial text NOT NULL,
    due double precision NOT NULL,
    reason text NOT NULL,
    by_whom text NOT NULL
);


--
-- Name: renewal_advances_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.renewal_advances_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: renewal_advances_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.renewal_advances_id_seq OWNED BY public.renewal_advances.id;


--
-- Name: revocations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.revocations (
    id bigint NOT NULL,
    at double precision NOT NULL,
    serial text NOT NULL,
    issuer text NOT NULL,
    label text NOT NULL,
    upstream text NOT NULL,
    kind text NOT NULL,
    reason text NOT NULL,
    revoked_by text NOT NULL,
    outcome text NOT NULL,
    detail text DEFAULT ''::text NOT NULL
);


--
-- Name: revocations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.revocations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: revocations_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.revocations_id_seq OWNED BY public.revocations.id;


--
-- Name: scep_nonces; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.scep_nonces (
    nonce text NOT NULL,
    at double precision NOT NULL,
    message_sha256 text DEFAULT ''::text NOT NULL,
    outcome text DEFAULT ''::text NOT NULL
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
-- Name: upstream_requests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.upstream_requests (
    upstream text NOT NULL,
    key_sha256 text NOT NULL,
    request_id text NOT NULL,
    at double precision NOT NULL
);


--
-- Name: attempts id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attempts ALTER COLUMN id SET DEFAULT nextval('public.attempts_id_seq'::regclass);


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
-- Name: renewal_advances id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.renewal_advances ALTER COLUMN id SET DEFAULT nextval('public.renewal_advances_id_seq'::regclass);


--
-- Name: revocations id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.revocations ALTER COLUMN id SET DEFAULT nextval('public.revocations_id_seq'::regclass);


--
-- Data for Name: attempts; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.attempts (id, hour, first_at, last_at, face, operation, label, rule, name, address, reason, count) FROM stdin;
\.


--
-- Data for Name: audit; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit (id, at, kind, identity, detail) FROM stdin;
1	1796562520.7315533	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796562521.423688	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796562522.7517207	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
\.


--
-- Data for Name: ca_rollovers; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.ca_rollovers (generation, at, root, links, wrapped_key, retired_at, key_uri) FROM stdin;
\.


--
-- Data for Name: codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.codes (id, code_sha256, identity, created, expires, used_at, used_by, revoked, bound) FROM stdin;
1	5ddc53dd7ebf5613ada8a3e1568c30f03c793f9656fb8ca4483daaf577f13b9c	basic:carol	1796562522.7408721	2111922522.7408721	\N		0	
\.


--
-- Data for Name: console_sessions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.console_sessions (token_sha256, operator, csrf, address, created, expires, last_seen, flash) FROM stdin;
\.


--
-- Data for Name: crls; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.crls (issuer, number, at, next_update, last_revocation, der) FROM stdin;
\.


--
-- Data for Name: device_names; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.device_names (name, enrollment) FROM stdin;
alice	1
basic:alice	1
basic:dev-rejected	2
dev-rejected	2
basic:dev-approved	3
dev-approved	3
basic:dev-pending	4
dev-pending	4
scep-issued	5
scep-static:default:	5
scep-held	6
scep-static:held:	6
\.


--
-- Data for Name: enrollment_hours; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.enrollment_hours (hour, decision, shard, count) FROM stdin;
499045	issued	563927648788	2
499045	held	563927648788	4
\.


--
-- Data for Name: enrollments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.enrollments (id, at, identity, method, peer, label, operation, csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, not_after, certificate, auth_serial) FROM stdin;
1	1796562519.7009401	basic:alice	basic	127.0.0.1	default	simpleenroll	094f38fd2b2f106a21dadb0b6dca2f568812058216c83d7967fbc961088d8c3b	c52b8a9e0fe7757274557cb3b636ede3209683aa8ae77e992b753aacf5dd1966	CN=alice	[]	issued	issued		40CE13241AF6519A717828561AF5FB42B10D41	2111922515	MIIBrzCCAVWgAwIBAgITQM4TJBr2UZpxeChWGvX7QrENQTAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTMwMzM5WhcNMzYxMjAzMTMwODM1WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGL2Krq8WAlmZYJKjsLCFHUWyhVsV6n2/1UrJR4oEg2oRrnHqD1AGLlxvlX6C73Vu5wVpZybpGFuQkYmv80n6VCjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBRlDc4+bgFHjdsrFyLtB8GIXXlSLzAfBgNVHSMEGDAWgBQOZdaz7OmdZzz6IN41FGvipvTCETATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiEA0izHseAxeELKaeaBwOriFQWuLPK6ezbSEf1V6zklyG8CIHpSsOrR62RW4WlsJng9TJN59K6eg0f6Tz0FCShgdott	\N
2	1796562519.841116	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	189fbedb2736dfa3eba7b46fb580f5f1da71ccbf7b5e220bf067c5b89ffec2d1	bb5ae89fff5d4dcfc34b3f15eaf5c3c0d1b8104224b56242200cfa86de37ad02	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N	\N
3	1796562519.9928164	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	e4186cce1390d59a4f1666117eb3ac14054ac0310528beae042c84ec8ee7ee3f	1fbe543c798f33c8fdf7a555f171ba959e0d28a3ee19e5ecb08b117261946015	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N	\N
4	1796562520.132865	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	2c63068c6bb6f879470be7eb5049800c0833b55d38a71923a506d37cb16e4980	6a0a982d6c51f9363cee761c1276f3620929f8e9e373f8d0c4535302799585a8	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N	\N
5	1796562523.0957503	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	b9938ddb40762e55e361a3c3005ba8ddf5db354fea62f17116300f8a57838b10	b28e575540fe21b72a0e482fece143883dc23169fecc2f95763406a3f9e83168	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		02DFA8016E063AA1B9FCED0869C2761F4838EF	2111922515	MIICsTCCAlegAwIBAgITAt+oAW4GOqG5/O0IacJ2H0g47zAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTMwMzQzWhcNMzYxMjAzMTMwODM1WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCn8zrhelt/MJeDRJY5PtWDk2uny+Qmia688LHO0HVy6zZuUcmvIpls9ppxS+ns1HkkzqLIzKR44pWABQIUHFQGZg35XwL3HMSniavJpB3xnC89NxprpO8d1esPaMdoXC5GwJRyLMuzAHTaXzA0dB8UJtXxIf6yZFjg/gnT8dkltyNHzN5MZqqX6k+1uBkQponwrNuDpMOOhmpxyLV3s/z+KL4Xdfx54y0WV2YB+yeq41Fw+QmYRFI1/VwPTuwIqxWEsVS2RO81IfMaobH/WodNolGBBymJHcHnxVJDJeGrkS98lNEJ5ITYJTMnf5D/YWRlwxuM+BINCHgqtWNwrh2HAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBSoHzLNvUCBJkvKf0qlfKmKwpESsTAfBgNVHSMEGDAWgBQOZdaz7OmdZzz6IN41FGvipvTCETATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiAioPQVgk5/gw96wW2OJMksLdUDs+s8IxIjgA/UI6iH5gIhAJqqZWHHaoAexkxQzQMsVj2uC3JibrMKcKW8W4axfUuK	\N
6	1796562523.1538608	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	a84ea04e4fc769b8c94e93bff2abed64e96b1c063126888823a141595416bd09	0d16ddf13b3bb0f37482f613024c633ac54450410a4dede9a92f098ade510e7f	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.000253280003866	1796562523.145468
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial, claimed_at) FROM stdin;
3	1796562520.1347744	held	simpleenroll	basic:dev-pending	6a0a982d6c51f9363cee761c1276f3620929f8e9e373f8d0c4535302799585a8	CN=dev-pending	[]	MIHQMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARAFflNeLoiUVNumkbw7EZsXCk1S0zZ2/3Uj9HwoXpIN+Zt2DgV66oze7Vh1EXdsAVe5ZvMqpBSmIPBko4KKTS4oAAwCgYIKoZIzj0EAwIDSAAwRQIgALSX1whDtaG8KqFSzQWq2mPJHFkt2T/RKbee6vNUahgCIQCySW4F5LXdvnxgeqvR82+aRSbHsTWXA5g71fUC7Pd03w==	pending			\N	\N	\N
1	1796562519.8429718	held	simpleenroll	basic:dev-rejected	bb5ae89fff5d4dcfc34b3f15eaf5c3c0d1b8104224b56242200cfa86de37ad02	CN=dev-rejected	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEc3W6gG0BK8hryB7q7MXRR/pvh2mHaRaSXmHPbfBDQDIhAq4ooTcsQCROqDvQKvhdxOl7FYcwVgxjViJ3uQY22aAAMAoGCCqGSM49BAMCA0cAMEQCIGZnCrzTMrkcyaZDDiyXTIjbUqTVad+pl5GGCI4Doe64AiA/qpaGvWd3wMEcrC4s2Xo+keTjC0WtgJ9X606yb0YIJQ==	rejected	not one of ours	operator	1796562520.7302315	\N	\N
2	1796562519.9938998	held	simpleenroll	basic:dev-approved	1fbe543c798f33c8fdf7a555f171ba959e0d28a3ee19e5ecb08b117261946015	CN=dev-approved	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEMZDvjN+mEGpVEmnsLM+YgvDHR1K3+kTw4GWkWFOUrfLBBalc2wmg9FRsEQVrEArN1DJDVnfNLMBa6oOE683veKAAMAoGCCqGSM49BAMCA0gAMEUCIQDLHDC2KXJUt4iN2mEHx9nvp3ekyJKK1GAvLYgBGhECbgIgakK4/7f1Twey9L3rRrsU5l4yU/R6iXrA9lHOCO0iWq0=	approved		operator	1796562521.4180744	\N	\N
4	1796562523.1549785	held	scep-pkcsreq	scep-static:held:	0d16ddf13b3bb0f37482f613024c633ac54450410a4dede9a92f098ade510e7f	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBALZK7rBhupA79B62KLS8U4DmK1nDKHiW1u9L8g5q5b2Gu5DSEDmfwXlUb7TTQWiMeoNNDu6ELTnXyznFWO36WNjYUzvB2/Wrw8As+vMc7vf9tit/tnw14HBStHpXJTfqO2e4leai2EqoSDn0+eh+mOHlBrdz1t1QyTo8ZLH6IZQI6vQY/Bcrr8HgtWs2a1dgGg+Y1AWxS0t8PYmPKPlpZb7pDa36D5qixsVnE6QpbF0bqyM1yerewMojrRMu21lrKFbYvr/il9W022hSjpRwyIkytEZhkQJG5H11m+WPzQ7KrRjWQ03E+9YEh89pEg99KQvAR0O9yN67mxlEwO/Sp7cCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQCJZn7kDyYDHwUZA0VAcUWJGwmtoW4XuUog2O8is0u+F5qggFqGljVNA4Xb6NnBAUYF6MIYM9vpvUKmvR4AX45shI2dyRTwBkjbLgxfKbI9vCB8bxlzgjpBxX5Mb6K+a5PS5HOFGdoTVGLXY9f7E3fMxeIZpmdCoNubLYOmTrNbQpwCzDtM611GyolUeGgv0XkUJVWHcn5gzH68Kq4EJwwhucW8rbSos+ihsjCErDSPZR6j7H78Xh8HI+i9sDWovhArUdaQtyp4tfh2ulawz34cBxjCFdsqTiRbU6V8TaxF2J9RFRKeaKO3//zKfMvf5P5Vu8IF2ufQM1R+BuNYpyTJ	pending			\N	\N	\N
\.


--
-- Data for Name: rate_counters; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.rate_counters (bucket, window_start, hits) FROM stdin;
\.


--
-- Data for Name: renewal_advances; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.renewal_advances (id, at, label, serial, due, reason, by_whom) FROM stdin;
\.


--
-- Data for Name: revocations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.revocations (id, at, serial, issuer, label, upstream, kind, reason, revoked_by, outcome, detail) FROM stdin;
\.


--
-- Data for Name: scep_nonces; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_nonces (nonce, at, message_sha256, outcome) FROM stdin;
f4e903e3610f5b5ca38b602148078ed6	1796562523.0921886	56c8461b91153c0d64ef5d37c0a234282b508a410efe6e426f4264fc2b848e27	begun
7565a50bee32a2cb7de9678ce30a0793	1796562523.1483579	c253887cbec2d46dfeb629505a55adbd30d48addd3b942196c520e941fcad030	begun
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	HW1RHtSlowPc3wVCmH7OUDedgdM=	b28e575540fe21b72a0e482fece143883dc23169fecc2f95763406a3f9e83168	1796562523.0921886	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAp/M64XpbfzCXg0SWOT7Vg5Nrp8vkJomuvPCxztB1cus2blHJryKZbPaacUvp7NR5JM6iyMykeOKVgAUCFBxUBmYN+V8C9xzEp4mryaQd8ZwvPTcaa6TvHdXrD2jHaFwuRsCUcizLswB02l8wNHQfFCbV8SH+smRY4P4J0/HZJbcjR8zeTGaql+pPtbgZEKaJ8Kzbg6TDjoZqcci1d7P8/ii+F3X8eeMtFldmAfsnquNRcPkJmERSNf1cD07sCKsVhLFUtkTvNSHzGqGx/1qHTaJRgQcpiR3B58VSQyXhq5EvfJTRCeSE2CUzJ3+Q/2FkZcMbjPgSDQh4KrVjcK4dhwIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAJ9QgoAdpQnT3CvpwUc/HfMd0I1UO+ut+Fm7qcrUhbeJcEBiyIrk/a50Scf+aJ+CpDc4yS2d1xBAaGXTpvUxgNRw/BViZqQKTPudd5NAkLQIJmX9Hjcv+4SU4FJYZRwC8KemgW2z1Kd5RUdKDNG2ZwcpT+fP/bMxW8uppns5Ge9kjXRjAoY1O8o0NrYfEYtd+DNwZLKspMNgoCqsPofxmkyUyebTCeD4n3e+XUHQ1VEKAgiPpWakQMyye3JHbcR29Exs2xgsbAIwt45f/zgD+ag873Mtu/RDlwgcsnpShgfoM1ojpfVr+yVkCHaEL2EypvYupZwIgEzdahVy4lUAMTI=	02DFA8016E063AA1B9FCED0869C2761F4838EF
held	zIlpE4nyKJfrZRBz6DiYcFHGxmE=	0d16ddf13b3bb0f37482f613024c633ac54450410a4dede9a92f098ade510e7f	1796562523.1483579	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBALZK7rBhupA79B62KLS8U4DmK1nDKHiW1u9L8g5q5b2Gu5DSEDmfwXlUb7TTQWiMeoNNDu6ELTnXyznFWO36WNjYUzvB2/Wrw8As+vMc7vf9tit/tnw14HBStHpXJTfqO2e4leai2EqoSDn0+eh+mOHlBrdz1t1QyTo8ZLH6IZQI6vQY/Bcrr8HgtWs2a1dgGg+Y1AWxS0t8PYmPKPlpZb7pDa36D5qixsVnE6QpbF0bqyM1yerewMojrRMu21lrKFbYvr/il9W022hSjpRwyIkytEZhkQJG5H11m+WPzQ7KrRjWQ03E+9YEh89pEg99KQvAR0O9yN67mxlEwO/Sp7cCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQCJZn7kDyYDHwUZA0VAcUWJGwmtoW4XuUog2O8is0u+F5qggFqGljVNA4Xb6NnBAUYF6MIYM9vpvUKmvR4AX45shI2dyRTwBkjbLgxfKbI9vCB8bxlzgjpBxX5Mb6K+a5PS5HOFGdoTVGLXY9f7E3fMxeIZpmdCoNubLYOmTrNbQpwCzDtM611GyolUeGgv0XkUJVWHcn5gzH68Kq4EJwwhucW8rbSos+ihsjCErDSPZR6j7H78Xh8HI+i9sDWovhArUdaQtyp4tfh2ulawz34cBxjCFdsqTiRbU6V8TaxF2J9RFRKeaKO3//zKfMvf5P5Vu8IF2ufQM1R+BuNYpyTJ	\N
\.


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.schema_version (version) FROM stdin;
1
2
3
4
5
6
7
8
9
10
11
12
13
14
15
16
17
18
19
20
21
\.


--
-- Data for Name: upstream_requests; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.upstream_requests (upstream, key_sha256, request_id, at) FROM stdin;
\.


--
-- Name: attempts_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.attempts_id_seq', 1, false);


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
-- Name: renewal_advances_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.renewal_advances_id_seq', 1, false);


--
-- Name: revocations_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.revocations_id_seq', 1, false);


--
-- Name: attempts attempts_hour_face_operation_label_rule_name_address_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attempts
    ADD CONSTRAINT attempts_hour_face_operation_label_rule_name_address_key UNIQUE (hour, face, operation, label, rule, name, address);


--
-- Name: attempts attempts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attempts
    ADD CONSTRAINT attempts_pkey PRIMARY KEY (id);


--
-- Name: audit audit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit
    ADD CONSTRAINT audit_pkey PRIMARY KEY (id);


--
-- Name: ca_rollovers ca_rollovers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ca_rollovers
    ADD CONSTRAINT ca_rollovers_pkey PRIMARY KEY (generation);


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
-- Name: console_sessions console_sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.console_sessions
    ADD CONSTRAINT console_sessions_pkey PRIMARY KEY (token_sha256);


--
-- Name: crls crls_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.crls
    ADD CONSTRAINT crls_pkey PRIMARY KEY (issuer, number);


--
-- Name: enrollment_hours enrollment_hours_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.enrollment_hours
    ADD CONSTRAINT enrollment_hours_pkey PRIMARY KEY (hour, decision, shard);


--
-- Name: enrollments enrollments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.enrollments
    ADD CONSTRAINT enrollments_pkey PRIMARY KEY (id);


--
-- Name: login_buckets login_buckets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.login_buckets
    ADD CONSTRAINT login_buckets_pkey PRIMARY KEY (key);


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
-- Name: renewal_advances renewal_advances_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.renewal_advances
    ADD CONSTRAINT renewal_advances_pkey PRIMARY KEY (id);


--
-- Name: revocations revocations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.revocations
    ADD CONSTRAINT revocations_pkey PRIMARY KEY (id);


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
-- Name: upstream_requests upstream_requests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.upstream_requests
    ADD CONSTRAINT upstream_requests_pkey PRIMARY KEY (upstream, key_sha256);


--
-- Name: attempts_address_lower; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_address_lower ON public.attempts USING btree (lower(address) COLLATE "C");


--
-- Name: attempts_count_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_count_id ON public.attempts USING btree (count, id);


--
-- Name: attempts_face_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_face_id ON public.attempts USING btree (face, id);


--
-- Name: attempts_last; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_last ON public.attempts USING btree (last_at);


--
-- Name: attempts_lower_label_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_lower_label_id ON public.attempts USING btree (lower(label), id);


--
-- Name: attempts_lower_rule_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_lower_rule_id ON public.attempts USING btree (lower(rule), id);


--
-- Name: attempts_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_name ON public.attempts USING btree (name, hour);


--
-- Name: attempts_name_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_name_id ON public.attempts USING btree (name, id);


--
-- Name: attempts_rule; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_rule ON public.attempts USING btree (rule, label, hour);


--
-- Name: attempts_rule_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_rule_id ON public.attempts USING btree (rule, id);


--
-- Name: audit_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_at ON public.audit USING btree (at);


--
-- Name: audit_identity_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_identity_id ON public.audit USING btree (identity, id);


--
-- Name: audit_identity_lower; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_identity_lower ON public.audit USING btree (lower(identity) COLLATE "C");


--
-- Name: audit_kind_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_kind_id ON public.audit USING btree (kind, id);


--
-- Name: audit_lower_kind_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_lower_kind_id ON public.audit USING btree (lower(kind), id);


--
-- Name: device_names_enrollment; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX device_names_enrollment ON public.device_names USING btree (enrollment);


--
-- Name: device_names_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX device_names_name ON public.device_names USING btree (name, enrollment);


--
-- Name: enrollments_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_at ON public.enrollments USING btree (at);


--
-- Name: enrollments_auth_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_auth_serial ON public.enrollments USING btree (auth_serial);


--
-- Name: enrollments_decision_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_decision_id ON public.enrollments USING btree (decision, id);


--
-- Name: enrollments_identity; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_identity ON public.enrollments USING btree (identity, at);


--
-- Name: enrollments_identity_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_identity_id ON public.enrollments USING btree (identity, id);


--
-- Name: enrollments_identity_lower; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_identity_lower ON public.enrollments USING btree (lower(identity) COLLATE "C");


--
-- Name: enrollments_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_key ON public.enrollments USING btree (key_sha256, identity);


--
-- Name: enrollments_label_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_label_id ON public.enrollments USING btree (label, id);


--
-- Name: enrollments_lower_rule_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_lower_rule_id ON public.enrollments USING btree (lower(rule), id);


--
-- Name: enrollments_operation_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_operation_id ON public.enrollments USING btree (operation, id);


--
-- Name: enrollments_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_serial ON public.enrollments USING btree (serial);


--
-- Name: login_buckets_stamp; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX login_buckets_stamp ON public.login_buckets USING btree (stamp);


--
-- Name: pending_identity_lower; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_identity_lower ON public.pending USING btree (lower(identity) COLLATE "C");


--
-- Name: pending_match; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_match ON public.pending USING btree (label, identity, key_sha256);


--
-- Name: pending_open; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_open ON public.pending USING btree (identity, status);


--
-- Name: pending_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_status ON public.pending USING btree (status, id);


--
-- Name: pending_status_identity_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_status_identity_id ON public.pending USING btree (status, identity, id);


--
-- Name: pending_status_label_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_status_label_id ON public.pending USING btree (status, label, id);


--
-- Name: renewal_advances_label; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX renewal_advances_label ON public.renewal_advances USING btree (label, serial);


--
-- Name: revocations_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX revocations_serial ON public.revocations USING btree (serial);


--
-- Name: scep_nonces_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX scep_nonces_at ON public.scep_nonces USING btree (at);


--
-- Name: scep_transactions_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX scep_transactions_serial ON public.scep_transactions USING btree (serial, signer_sha256);


--
-- Name: upstream_requests_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX upstream_requests_at ON public.upstream_requests USING btree (at);


--
-- PostgreSQL database dump complete
--

\unrestrict qNvzDuVETsMuRm2paaoChQHXeAXD0ShSOUIswiGxD77JYrcPwqCxMVOTOsVeQPV

