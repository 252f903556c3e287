--
-- PostgreSQL database dump
--

\restrict sJeRZYEwVdSRKPku6iWBAUZshpeudRH6T2JiidFogZEMa44DytyhwFVXR4dWaF9

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
-- Name: console_sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.console_sessions (
    token_sha256 text NOT NULL,
    operator text NOT NULL,
    csrf text NOT NULL,
    address text NOT NULL,
    created double precision NOT NULL,
    expires double precision NOT NULL
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
1	1796549860.011601	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796549861.7596564	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796549865.4674814	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
\.


--
-- Data for Name: ca_rollovers; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.ca_rollovers (generation, at, root, links, wrapped_key, retired_at) FROM stdin;
\.


--
-- Data for Name: codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.codes (id, code_sha256, identity, created, expires, used_at, used_by, revoked) FROM stdin;
1	ca2baebb5f6638b1e1b8794b1280caebfcc0ae9bfd9177b3cd234b78292f8aa0	basic:carol	1796549865.4514089	2111909865.4514089	\N		0
\.


--
-- Data for Name: console_sessions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.console_sessions (token_sha256, operator, csrf, address, created, expires) FROM stdin;
\.


--
-- Data for Name: crls; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.crls (issuer, number, at, next_update, last_revocation, der) FROM stdin;
\.


--
-- Data for Name: enrollments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.enrollments (id, at, identity, method, peer, label, operation, csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, not_after, certificate) FROM stdin;
1	1796549857.6527123	basic:alice	basic	127.0.0.1	default	simpleenroll	4eba387341a15e41aa50c91861b8beb2fbae5e7b1bbf8ee8edc318ab6ca5d1d8	858c937bf2498adc4451100432e9cb8218ddbd6773157f0d70717db6a3d576cd	CN=alice	[]	issued	issued		065ACB16F9462AD2CCF4939F4BB6110E5DBA9F	2111909845	MIIBrzCCAVWgAwIBAgITBlrLFvlGKtLM9JOfS7YRDl26nzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkzMjM3WhcNMzYxMjAzMDkzNzI1WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABHkWGNXLm0hjBDgXNAlr1Rp96yxV38aipeOARycL44lQpvkmn1zbzwvje4q7ocZmlOLbhrisqkTxX29nbYujkFqjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBT3KBszBrlhZzhki9htyBSCu+E6xzAfBgNVHSMEGDAWgBTATH924+STtXze3U4zvClkZA1nbjATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiEA0w1nh8NNjujMioH160GN4MmMDfbmzJgtZ6pTmxrOHUMCIG9mwEX6sE8H2SmYIRfR6rmc9JRhquzQB/DZe9QYyTDY
2	1796549857.8918343	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	f13e787897500090c96ab7754ccd5c074faa0b73cd8ae25fe3fa183a55bc86dc	556f285450fb1883b885898dd1fb6837677a2b132b3432d5c024ca3967874383	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796549858.2398798	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	ea18416a0d46eaef0132b62ffc85eeb2c710f631d3c1081507900afb5b28f833	a3da41e836c9e4b5e55935922676737f0d89d7a571bb84693646df3ffaf67053	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796549858.570362	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	a7198016b293c35db4a90b79d17801006da2f9df669cd376e69fbf1d17561c86	ee77add6d6e6eac56e14e034e7a372a1375f845a21a1ce9e52f575abf3134ba5	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796549866.147694	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	197e59aab48464a69fc56b66f477e8fe30cd5f06cc452ccffdc717900225e427	b364f4799c667f4991a12140daafb8cab782dc7ee41c89cf9fcb8ba4108d35c5	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		112B68DCC0AF6C46488B73F871FABA354F258B	2111909845	MIICsTCCAlegAwIBAgITESto3MCvbEZIi3P4cfq6NU8lizAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkzMjQ2WhcNMzYxMjAzMDkzNzI1WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCtjj1o+rvYasiD0/PdsVczBY0ZDDmSXo6A/hZMYXNUuyEbPQX7zgw2hcXBXiwa+E6zCE0VbLaXswXXVeWo6dztafQCRo+KQqf8HyfR7ZBRuP2KW/K0ykGZ7ge78i8O96PWjtk45GbtfGnhoarJpbhFUvhqvPwnktsN9+uUF/aiA2ourVV5T2dEKViIMd/Vvb56itK6EAj2ri35Y3+JQwmkUsnhBsi3R5GtJDDqkDmYJ1doT/2+VCp9yAAhnIHnjLvd/Z9nN1kKOKYqxj6gkiDQzmdvEXNbSKagtGnOd6uvTZirSkTJxw3Ha0TSEWVN5/Fit4Ya2eXRp3wAWCL2Pl09AgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBT2Eco7StBrnUsODwjrO8HSpYt6RzAfBgNVHSMEGDAWgBTATH924+STtXze3U4zvClkZA1nbjATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiEAs8Yp8W5nM4Mzau4U9GHfX9CS+9xjWXW8aYaBCcnSqLYCIGcvGnAJHbjW2JLrcaFEJ6c9Mkvjp65Xi4fszZi21tZq
6	1796549866.3558028	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	4e3e5818de2955802f0c74ea36ae26ade6ba99ebea6f46c4a1d44d380bf0f19d	d46275122f5fb25dc693e00ddb52f20fae154bf81f3afb080dea48605021a7f5	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.006567279497782	1796549866.3395696
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial, claimed_at) FROM stdin;
3	1796549858.5715036	held	simpleenroll	basic:dev-pending	ee77add6d6e6eac56e14e034e7a372a1375f845a21a1ce9e52f575abf3134ba5	CN=dev-pending	[]	MIHQMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQksNvi2eGZtPgXcCG1C4NWpCLOW8eq3zbU4M2nt22YpekMnDi/20U73N1fcWfDyQvHxXIR3q/bXvdQ0xJMFBcEoAAwCgYIKoZIzj0EAwIDSAAwRQIhALBOtlzr3j9jmbTgleGgvXYpY+ixnrk7wm19ykYTnZ7KAiA3RUtOsJS8vD6U+9aOGmawd/DQmapLl+vWjThMKeOiyg==	pending			\N	\N	\N
1	1796549857.893602	held	simpleenroll	basic:dev-rejected	556f285450fb1883b885898dd1fb6837677a2b132b3432d5c024ca3967874383	CN=dev-rejected	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7QNEmZeWwfyYIYtw6b2oqje6EFCRgn/ZyYCpPIveRPgCSTAx5euFt1iV1O4GDZ8gaJPs0b5/k5H5C2rrrBXmWqAAMAoGCCqGSM49BAMCA0cAMEQCIGw0klHfLhsB7ydHb5ettk9E0J8cdPtlLUHj/fher94xAiB1ehHU1A3A2+HCoGzPhw6yhg3wXCw8gIBqFKzIob5Cng==	rejected	not one of ours	operator	1796549860.0083773	\N	\N
2	1796549858.2498205	held	simpleenroll	basic:dev-approved	a3da41e836c9e4b5e55935922676737f0d89d7a571bb84693646df3ffaf67053	CN=dev-approved	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEB5Gvv9wFBLXBIQt+pmB6TL1b8qO7MzjmEaFn47WbTP11B3FQZSY2XevTkPq3WP2x1bnILQXXBUTuB7oXwQQfcKAAMAoGCCqGSM49BAMCA0gAMEUCIQD37+i/BdCsHwkWfDGX0wsV1/MIY5AhSu3eSLvUCPEFqAIgDBmJl6d/RGy4JVz6VlzSeIE3K38cbuPlP89NWAuLMuA=	approved		operator	1796549861.7494025	\N	\N
4	1796549866.3715708	held	scep-pkcsreq	scep-static:held:	d46275122f5fb25dc693e00ddb52f20fae154bf81f3afb080dea48605021a7f5	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAKLywD1aLXMgzFl1FXfDhxh76SmEhSQkQeNLc6HtlJlUst/zeh+D84U5AaBbtJI+n1msM/64gF7aLYeBC2m0ckNMe5RldJc4bA77ZHNqGdbLoZhf7ToL76K3GPEjonVnHyfNWV6O4/U0L2p4/M9KHtbrf1vFi9untewpETA7QBWaSTJ988ly73JCqYjIwFIGisK9V7SY7lH7345344LUUcfg1UK78mmKIf4s7baXlKOKvLptiA7tI5jov9EeJK//Pwf4XIHGkNMgUKGO5v5E3CklmI5+BTKf509Km0ik4OeMcU29ST/kU+Yu0VSuwIdYGKuyBwYc9+O1WYjDKv43ZmcCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBD1HHJ2oI8jJOgZ2dAgjIhrUrBHRM00YS5+A4N/vGNR3JGJo8A6J30t4eCMsHEuXRmSsBDoCqt8MsL7KD7LDocH9tnPr3bFAR/3JKGJUxZrJl0zaJzdZaNZqtkbG5qHLKQ4CkMM99fXPBoPUdqiJb1BX2pd7DZkg1vXiwyN/2bRZeFMMAxmkXrsUNvaQfv5N9iVMIWZYUsfHAcshk7XA57pjm7Jh/oU3rXPIfWOG6zFDIMqRgvp292m6miPya82kvRGzpKHiXdt6fPc5T9d2/AYNMPwuZVV+xei4KWNuExAN1NRvkBax2jKDLPIU+4j9JpGs+r4tMYEaI+8rzDGMOf	pending			\N	\N	\N
\.


--
-- Data for Name: rate_counters; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.rate_counters (bucket, window_start, hits) FROM stdin;
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
8ddef463590998bb422e233fb750c93f	1796549866.1442306	364f1df4436bd427404d8d3c64a11dfd127ec2440bfc29703cfa4354c3e2741d	begun
d5d60d6a36caa45064d21c97f9d3191a	1796549866.346602	8d9b158433c31a9556f10727273f33f02123d268cfc2ec3a11ce654e29a4fc73	begun
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	h93QPi7AqeQEu1Rf6spZ43KJAcc=	b364f4799c667f4991a12140daafb8cab782dc7ee41c89cf9fcb8ba4108d35c5	1796549866.1442306	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArY49aPq72GrIg9Pz3bFXMwWNGQw5kl6OgP4WTGFzVLshGz0F+84MNoXFwV4sGvhOswhNFWy2l7MF11XlqOnc7Wn0AkaPikKn/B8n0e2QUbj9ilvytMpBme4Hu/IvDvej1o7ZOORm7Xxp4aGqyaW4RVL4arz8J5LbDffrlBf2ogNqLq1VeU9nRClYiDHf1b2+eorSuhAI9q4t+WN/iUMJpFLJ4QbIt0eRrSQw6pA5mCdXaE/9vlQqfcgAIZyB54y73f2fZzdZCjimKsY+oJIg0M5nbxFzW0imoLRpznerr02Yq0pEyccNx2tE0hFlTefxYreGGtnl0ad8AFgi9j5dPQIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAH5B2yZSNoKliTxYDtKmFo6oJ0Tcpiojg0EYBqE4eLGaZEnmPBVWapqmn5K4PtQLlDR4HNxQvXKSEgGAV6fK3u6DCX4hSi8oN/9DDrWQdFgqVzNtrMbgFocP2G6s9XjKmiEFgR0ZJ06mwJ8rD4xczYD9MJmpDrQOP7p6fLnCY6gg61Pt8nz0AiKgtA3/4p5XRVc9TdrifJTt7O+V7ATb33OO5Ty3uVrD2eLi41VKtXU02HvilABzQzZu7ulba2XV4/o61xWUICwD0u97+rhioGxhtgczk0ZrLBx4NYLZKfYTk0hUTzg4wop8nPKpoYmuivo6mcW2TDJk3+3Tk+nIngU=	112B68DCC0AF6C46488B73F871FABA354F258B
held	JW0YSxVuv7hxwFM1rP3C8D8VelM=	d46275122f5fb25dc693e00ddb52f20fae154bf81f3afb080dea48605021a7f5	1796549866.346602	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAKLywD1aLXMgzFl1FXfDhxh76SmEhSQkQeNLc6HtlJlUst/zeh+D84U5AaBbtJI+n1msM/64gF7aLYeBC2m0ckNMe5RldJc4bA77ZHNqGdbLoZhf7ToL76K3GPEjonVnHyfNWV6O4/U0L2p4/M9KHtbrf1vFi9untewpETA7QBWaSTJ988ly73JCqYjIwFIGisK9V7SY7lH7345344LUUcfg1UK78mmKIf4s7baXlKOKvLptiA7tI5jov9EeJK//Pwf4XIHGkNMgUKGO5v5E3CklmI5+BTKf509Km0ik4OeMcU29ST/kU+Yu0VSuwIdYGKuyBwYc9+O1WYjDKv43ZmcCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBD1HHJ2oI8jJOgZ2dAgjIhrUrBHRM00YS5+A4N/vGNR3JGJo8A6J30t4eCMsHEuXRmSsBDoCqt8MsL7KD7LDocH9tnPr3bFAR/3JKGJUxZrJl0zaJzdZaNZqtkbG5qHLKQ4CkMM99fXPBoPUdqiJb1BX2pd7DZkg1vXiwyN/2bRZeFMMAxmkXrsUNvaQfv5N9iVMIWZYUsfHAcshk7XA57pjm7Jh/oU3rXPIfWOG6zFDIMqRgvp292m6miPya82kvRGzpKHiXdt6fPc5T9d2/AYNMPwuZVV+xei4KWNuExAN1NRvkBax2jKDLPIU+4j9JpGs+r4tMYEaI+8rzDGMOf	\N
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
-- Name: attempts_last; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_last ON public.attempts USING btree (last_at);


--
-- Name: attempts_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_name ON public.attempts USING btree (name, hour);


--
-- Name: attempts_rule; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_rule ON public.attempts USING btree (rule, label, hour);


--
-- Name: audit_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_at ON public.audit USING btree (at);


--
-- Name: enrollments_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_at ON public.enrollments USING btree (at);


--
-- Name: enrollments_identity; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_identity ON public.enrollments USING btree (identity, at);


--
-- Name: enrollments_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_key ON public.enrollments USING btree (key_sha256, identity);


--
-- Name: enrollments_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_serial ON public.enrollments USING btree (serial);


--
-- Name: login_buckets_stamp; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX login_buckets_stamp ON public.login_buckets USING btree (stamp);


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

\unrestrict sJeRZYEwVdSRKPku6iWBAUZshpeudRH6T2JiidFogZEMa44DytyhwFVXR4dWaF9

