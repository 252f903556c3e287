--
-- PostgreSQL database dump
--

\restrict N5gzUKYMlRAYgNiBPuF4UkblkPo2npOds1ydTqAuqgsph5gMaXAKEdZy4guWCLw

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
    retired_at double precision
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
1	1796562088.148965	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796562088.9691887	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796562090.323057	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
\.


--
-- Data for Name: ca_rollovers; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.ca_rollovers (generation, at, root, links, wrapped_key, retired_at) FROM stdin;
\.


--
-- Data for Name: codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.codes (id, code_sha256, identity, created, expires, used_at, used_by, revoked, bound) FROM stdin;
1	8ff5f01a2140c25c7be55775c583f02517a11ceff93d9af3e0581910440b0820	basic:carol	1796562090.3117645	2111922090.3117645	\N		0	
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
499045	issued	203223844980	2
499045	held	203223844980	4
\.


--
-- Data for Name: enrollments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.enrollments (id, at, identity, method, peer, label, operation, csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, not_after, certificate, auth_serial) FROM stdin;
1	1796562087.3209991	basic:alice	basic	127.0.0.1	default	simpleenroll	5caeacbe5a7b0bb7ae8fe214f467ae78889a44238f064e091bab6e4c45113877	1e6a3b707debc47ad1b43b484bd6115d44c3e4395277dc1945f43e62ecd62622	CN=alice	[]	issued	issued		5C905277747E7C234905CE0057B601582AB0BB	2111922082	MIIBrzCCAVWgAwIBAgITXJBSd3R+fCNJBc4AV7YBWCqwuzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTI1NjI3WhcNMzYxMjAzMTMwMTIyWjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABDC3epNxEAx5S2JTFrkKEstZq4jz+Ls4jmxmDR0/z8XBluvnPHRU9TC76mnuxQ4yMvA3jV2zA82KCs5bKm5vPvGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBSUfcAqKUaRL1kp1KH6naakLx5ZeDAfBgNVHSMEGDAWgBS6fdHIeqdGtXygDkSnx6gPDfSANTATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiEA3a2yq+Z7ae0xy/UuKOhTy4FUYkP+sqsJk4viS7rvfm4CIHWt5pvY1ukTtmxbhy4dx0SiJ3csf5QjuaFP6RKQeR6T	\N
2	1796562087.4157038	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	905ced6bdf2a3f3ce45384c3af0d0109f4c02f55b032e6884960e1e077f6abbf	785f80625bf84179bba802a10dce8be51779907f9f3e82f0ccbbf6fce0930fe9	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N	\N
3	1796562087.509031	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	07125db71345b7e6358f70df47501c6d501f12736f5fcbcae3d0b9c340d7691a	c3a62545432b673fd6db7b68feafd4a6821cf5a21c57028db5e92992ea338777	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N	\N
4	1796562087.5911613	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	1cc98ee7131b44257ab169c09a67ead8270c4f89c5c003840a93ddd6e1129aac	4d8a08b2910275de85174c3c61004a3a6a10e5c896546365a93d8a841ca9d57c	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N	\N
5	1796562090.6651158	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	3938141eb504e2bc559861286edae2852d004a5f1b02f6b50301779474f684d2	7810d05ad3d333f67df8984a49cc75e8b02e0d11265cdf8864bda2402b17f3e1	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		44F2851276A08E9C3A18AFEFE6AEFB096EAED9	2111922082	MIICsTCCAlegAwIBAgITRPKFEnagjpw6GK/v5q77CW6u2TAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTI1NjMwWhcNMzYxMjAzMTMwMTIyWjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCQXxtOcwpNphs4XMcaE+Cl7kTouZULb6OLpoe5gYyfaHP+vj7WK9urfOmQHRjwK+m90AaUQQiIofzjv3EvDWSVDa3sxlAVOcVdVzu1Ftkg+2rbD5LHEFPWomBnnIVO/GPA3liyMHZbFqETOfjrT1rbbfVxbjS444atQ9Hxj0KP5oxWMLt2mShm53tNrs+MbR/1X3aLEZxSfF/KHqBGETZc4pKvstU5E7Q8EL68VPhHt1jJZY9XxSyyW20ReJ0VPjyaNuTWFcuxi8uWyqEVfSgHilHsQGcnFwsx5G2867Bamgvfdp0Y3eYw5CelaiOJ9wlivlaJ2WuPucW+KI0UhCIBAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBTeZ8zE/QjceeC3V/vcrCVj/VzgzTAfBgNVHSMEGDAWgBS6fdHIeqdGtXygDkSnx6gPDfSANTATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiAsMbmBZQ/Ie+g5/0sIlq+4DmbaWdz9CnMwW0heAbWkjwIhAJtO4lVG8bW/Rd1o6g2aYa7xM9vzCnBWlTFs/hIwFNSW	\N
6	1796562090.6916485	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	e7791c7f4f62871b484ea4c84d880d5a23ff9d8b14e2adbfa7ad2c87e7516353	1aa5056ec61b43e82c420cf3d48ab601e2dc863d50871ef4f49a67cfb2474038	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.000120441118876	1796562090.6896136
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial, claimed_at) FROM stdin;
3	1796562087.5922523	held	simpleenroll	basic:dev-pending	4d8a08b2910275de85174c3c61004a3a6a10e5c896546365a93d8a841ca9d57c	CN=dev-pending	[]	MIHQMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ2Yp/Rlgje+5HH12QECFfwfgos5sam9cn+e6NdFqOHkJCNPb1a1+L18bode7o+cFKqtO+ffWaOroMAB2EdCYRPoAAwCgYIKoZIzj0EAwIDSAAwRQIgKwcmmBoTwWDHJ6upQ1R5/EjBpno2fAZgt1DCEPrqtDwCIQD0rqiHabv4F7Zkat6j03CxfPTuAIK+tlrJsVj0QExYJQ==	pending			\N	\N	\N
1	1796562087.4179676	held	simpleenroll	basic:dev-rejected	785f80625bf84179bba802a10dce8be51779907f9f3e82f0ccbbf6fce0930fe9	CN=dev-rejected	[]	MIHSMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEKaB/EakJcr0SC8UtgZk1qqLSRnk2CHf35Rr843aHtiDwgvu038dIUHH1ra30CTvyQ5TgTIfXv8R+GASb+we5vaAAMAoGCCqGSM49BAMCA0kAMEYCIQC8Y3OcaGQ9DwD9gv1GkcA5/7QefeL4qQ7ZMERER4qNmAIhAKOcFNm8Nd8Qze6yC+ntNDEVKa3+A38VFi8TIyKzw/+k	rejected	not one of ours	operator	1796562088.147566	\N	\N
2	1796562087.510921	held	simpleenroll	basic:dev-approved	c3a62545432b673fd6db7b68feafd4a6821cf5a21c57028db5e92992ea338777	CN=dev-approved	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7JI+FT2jTOSRKELq4fwDSZg9LX58ezTVqsy4g9RKGsQZiDsIrpJE/ld7pYYrJaWlcrZojLhCRcJgt1v1gjltkqAAMAoGCCqGSM49BAMCA0cAMEQCIDW2z19+vJB6tgQGOMCKJNPCt/w+LyPJDrrSsgggrx1KAiAgHksDBINBqwmjLx8xemP0ypiP2SPkwMGcE3V5vcowbA==	approved		operator	1796562088.9672558	\N	\N
4	1796562090.692348	held	scep-pkcsreq	scep-static:held:	1aa5056ec61b43e82c420cf3d48ab601e2dc863d50871ef4f49a67cfb2474038	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAJ/9BVRrnHRLE83yLnArOt9WQ3TyINPAEtJLrDhdENo2+OEnY56zs7oqIu81bv5FqXV6H29OlElcI8cNpN6MAsTyzK8WwLVoa3J+LUoYsE75joFr4FdyxQMl6Yz/728CYl9bXcixWLFqKFEtGNVfar1qeExvOqYgn2CZ1p79L9Ca+ZHcyH8OF6DtQYI78L19CbPMbAlkS4yh4oVYk/2rZlWfgNDh9QEyKGD2QZ3djpa/8xKnI3ZQ59DvRvTjm966W52s3E/i8NEX9vPjvxZXFd03uyl62u8sTmnNM30zyjsISj9CCDJs9tX3nj5nNG4YVyObfHetxwOwU3MTqZAMRJ8CAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQAXwe2Q0inZAinwr3FrtVW/+uP5Yj5EU164A2MN5TIr9dDE4khHnkDGYWBKE2HQsV7rx+70ci2vFIfKiEbzhBlEhzS+TQWze2JDI+4AAsayFmoGpfQybaub/l5N2HdFV57HbjvlDayMlKTW35cu0tiw7V95CJGN9wyS4oIT9i/JeRZ5Z2fuvyIbkXsB4m2y6drV7sH+qAjhg6MieIK7kk17+AJhR+fcUC4LjeIIpFuvQqv+sQEMdefs36jFgRcAvPR+vwAStd8Sz2CMcgjU+Vgamx3eSj55QEWVKB4mqbtNUSr1iNYgmBAhoClIXNBTNk60oNzNhAfEoJIUs9T7la5/	pending			\N	\N	\N
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
54cc93d8d9b5b883c687d95a153ba9ab	1796562090.6635652	79b6c4a83f91acc7f3063ae729548b947c554cb12c976700b517f7deba67b0c3	begun
6e7d4cf2cae21d10755965e74afd052a	1796562090.6906934	33f75ccec1a445ae31c58c9df56c54b1242236f6a17d9483dc4c259781693671	begun
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	f/yCuMb0B151CcnbiZmgeBsBg0k=	7810d05ad3d333f67df8984a49cc75e8b02e0d11265cdf8864bda2402b17f3e1	1796562090.6635652	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkF8bTnMKTaYbOFzHGhPgpe5E6LmVC2+ji6aHuYGMn2hz/r4+1ivbq3zpkB0Y8CvpvdAGlEEIiKH8479xLw1klQ2t7MZQFTnFXVc7tRbZIPtq2w+SxxBT1qJgZ5yFTvxjwN5YsjB2WxahEzn4609a2231cW40uOOGrUPR8Y9Cj+aMVjC7dpkoZud7Ta7PjG0f9V92ixGcUnxfyh6gRhE2XOKSr7LVORO0PBC+vFT4R7dYyWWPV8UsslttEXidFT48mjbk1hXLsYvLlsqhFX0oB4pR7EBnJxcLMeRtvOuwWpoL33adGN3mMOQnpWojifcJYr5Widlrj7nFviiNFIQiAQIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAFUu04/11PFOYwjL7MElFlg0q9gSoTVuP1ecdHFknqwjdsdpoXHvB7/n2eZH/UcnBqsakFkxLlPesc3ctXYpbnEg3c0ZzitrzmXTjv5GWR8Vx0w0RROi5hsxqKgccxUf5f/18emBQXyNbKcNywn7lLCBfNABXgpXD9zWwH4L1DibpfpUj/PpGzMsNXsyn28Xp1o8AyOM7zOcDVF7Ly4+sU5ccqd89ZyQrebWCbCjqpGbbWBkyOcjtQ3b4I5kdm7U+ygotWNwLmxN568wftFXR2ElrmVaqhVz3AsfSCMKjuzOBDGI1BETMPBzTLzT6FZ23ivEsfGpi5ZCpZuD2EFTCCg=	44F2851276A08E9C3A18AFEFE6AEFB096EAED9
held	uQoJpWTTliLg4D+BmiYrbdtmE0k=	1aa5056ec61b43e82c420cf3d48ab601e2dc863d50871ef4f49a67cfb2474038	1796562090.6906934	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAJ/9BVRrnHRLE83yLnArOt9WQ3TyINPAEtJLrDhdENo2+OEnY56zs7oqIu81bv5FqXV6H29OlElcI8cNpN6MAsTyzK8WwLVoa3J+LUoYsE75joFr4FdyxQMl6Yz/728CYl9bXcixWLFqKFEtGNVfar1qeExvOqYgn2CZ1p79L9Ca+ZHcyH8OF6DtQYI78L19CbPMbAlkS4yh4oVYk/2rZlWfgNDh9QEyKGD2QZ3djpa/8xKnI3ZQ59DvRvTjm966W52s3E/i8NEX9vPjvxZXFd03uyl62u8sTmnNM30zyjsISj9CCDJs9tX3nj5nNG4YVyObfHetxwOwU3MTqZAMRJ8CAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQAXwe2Q0inZAinwr3FrtVW/+uP5Yj5EU164A2MN5TIr9dDE4khHnkDGYWBKE2HQsV7rx+70ci2vFIfKiEbzhBlEhzS+TQWze2JDI+4AAsayFmoGpfQybaub/l5N2HdFV57HbjvlDayMlKTW35cu0tiw7V95CJGN9wyS4oIT9i/JeRZ5Z2fuvyIbkXsB4m2y6drV7sH+qAjhg6MieIK7kk17+AJhR+fcUC4LjeIIpFuvQqv+sQEMdefs36jFgRcAvPR+vwAStd8Sz2CMcgjU+Vgamx3eSj55QEWVKB4mqbtNUSr1iNYgmBAhoClIXNBTNk60oNzNhAfEoJIUs9T7la5/	\N
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

\unrestrict N5gzUKYMlRAYgNiBPuF4UkblkPo2npOds1ydTqAuqgsph5gMaXAKEdZy4guWCLw

