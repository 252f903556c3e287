--
-- PostgreSQL database dump
--

\restrict b6875NdPpYOfTMBFvr7A5VICDuf8KZX0op1Day2T0UxBYAzgixNOK3paAwrJnhb

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
1	1796559691.7317154	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796559694.6917384	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796559698.6757276	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
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
1	d889a3043b53a86a4e1ff56554784abddaa2a18a72ca36f63a9cb594d61a451c	basic:carol	1796559698.6436594	2111919698.6436594	\N		0	
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
-- Data for Name: enrollments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.enrollments (id, at, identity, method, peer, label, operation, csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, not_after, certificate, auth_serial) FROM stdin;
1	1796559688.3698683	basic:alice	basic	127.0.0.1	default	simpleenroll	dac055909775e8528077945cf0ecdb90f46b5941f79bca9f4467c0327b7d635b	66e287be1bd9dc6075b32383ed71c3db0061cf7188122eecccb33726d9f64c9d	CN=alice	[]	issued	issued		77E1C257151EAC4521ABEE1B929E08CCB28B2B	2111919677	MIIBrjCCAVWgAwIBAgITd+HCVxUerEUhq+4bkp4IzLKLKzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTIxNjI4WhcNMzYxMjAzMTIyMTE3WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNUn2GsF+PB9PqP3Vl3PmWSVlQQmTjlf3yuRgn5IxhvoXAd3FJDM9img8vyXLaWDjFMDZDztPCF0ps+TJo9rEDujdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBTniUy3QTR2OKiUojKEyLGNht4LxzAfBgNVHSMEGDAWgBTZAQrfzIP113YStfw7BCR3D+pu3DATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNHADBEAiAfGh3yGY40xKCSSyudJ0yfFJoMasZzg8YYQ23RbVpWiAIgTqSx68x6VsHuN/C5r/69WiBX++iz8Ru0VvaoCgDQyEw=	\N
2	1796559688.6361372	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	17b1f69265a5e2263e894aa5bf5b02ab277bac0426ef204c10d0dee9fb17438b	7b62ea74a8860dfdc8906413fba61074c2e3d61bb462ca0ab0c5a8f91d542e2d	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N	\N
3	1796559688.8842132	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	97cf3c7b81f8859e926ed223612400ea2baa2e4f29c317a00182b38a8c210656	e1b80e7e2870bdd08da8ae3e65c8faf8ddaa02ffba78887252ca3307a471ec61	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N	\N
4	1796559689.2365932	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	025464b17a91dbe33e8903c7575440676d0ab650a418c3c3fd257e3b3a5337bb	e5e1527d45444d9b5fdc59a6989c085c5524b987ed6d0be90bcbb985b1367ae3	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N	\N
5	1796559699.18391	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	1c1ddd22f99ce267bd0e9736659cebd11a4aad42db1497350921a9a1704d6537	7ed1a4288bc480e5703e576b882450962041c2510c0de5bcfa3fc9a24e571a3b	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		7388E82C4176A1435A86ADFB468FF483FEAA39	2111919677	MIICsDCCAlegAwIBAgITc4joLEF2oUNahq37Ro/0g/6qOTAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTIxNjM5WhcNMzYxMjAzMTIyMTE3WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCoLIJgnq84TqbOy8g158XQEe5eOOusLGziQ01um6YvJTTHAqtxVJhE2OvKZupIZIm3IMWx7RP4zEd9P3rvw9vYxExZ0Ney8pdBBJq6eSZzYa2wGAop0V09oi3oWiJBo1JeZ8JGRc/krwBFdP8gxGjktiP+Je/aBa5xdeiAV3rNQQ2USmBLP5taM9m5KKO0H2p9kucqO06NTzJNR6B652ss3bdcBcIq2y9OKwI/ALgyJPkP2D3+3CotFZcrHBvEPXVpzt0Kx6nP67Yh6AWeLVW7MaW4hH5nQq4FjQHmTGai3ZF5UU6e8YxFBvjistFxdJUsHr0fAWiIYjZ9WBNiBWnhAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBTEwsi4iww1aLsFPcXWJ2QFH7pnCTAfBgNVHSMEGDAWgBTZAQrfzIP113YStfw7BCR3D+pu3DATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNHADBEAiB3RYFFq5tI+GPd2SUzvOb4RZ2FcV4Akn+OFOKhtKJcZQIgcTj96tehZm7rZ9wSSh1UqNGuSIl8EfS0n1Qjj2iVifg=	\N
6	1796559699.3007605	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	765043cf7d046fc977c9c24c3078b3188496e3da76df72c10395f8b3d0266d2d	7577d81ccacf1ddccf1d958d904feac36d840e38b033af571751c36607194101	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.001426617304483	1796559699.2837281
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial, claimed_at) FROM stdin;
3	1796559689.2377703	held	simpleenroll	basic:dev-pending	e5e1527d45444d9b5fdc59a6989c085c5524b987ed6d0be90bcbb985b1367ae3	CN=dev-pending	[]	MIHQMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASAqbd0OYj61Zo9yI+j62OjRXeBJndfSM5GlnresaHT/KsDH3VHCfprmddU2mrm97UEllVvr2y9MDMzgIFphzJ6oAAwCgYIKoZIzj0EAwIDSAAwRQIgfaaPxNRa0PuYvliT3CVItGg7peHkNHkYR+WZtUm7O8MCIQDY6TP805n75n4UgYgV1aNOzBPdtP7oCo+WD++CFxayKQ==	pending			\N	\N	\N
1	1796559688.6379948	held	simpleenroll	basic:dev-rejected	7b62ea74a8860dfdc8906413fba61074c2e3d61bb462ca0ab0c5a8f91d542e2d	CN=dev-rejected	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEKoDzCc3Vv+9mI+ZNJynlXmSHK0WYQ2PqmEQBobWqrCyDn7/hE2lrwo7he2KY0REZEJb9u+r6r8uqPotXqJkMCKAAMAoGCCqGSM49BAMCA0cAMEQCIHM7TJnAiL30WtA/E9vyYr5IjJsQ+6/zjLdZ4SreuV4RAiB4KjuiCwhBg7waD/bJFCwtMpuotZls68XNGAezA3ohxw==	rejected	not one of ours	operator	1796559691.719592	\N	\N
2	1796559688.8918333	held	simpleenroll	basic:dev-approved	e1b80e7e2870bdd08da8ae3e65c8faf8ddaa02ffba78887252ca3307a471ec61	CN=dev-approved	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFBHD2sp6o6ix9w8WlnmFQysDYvOGYLbbcLDvOLjEwjlYRNdZXnSjFe2Cz8MBLNfcxbiCnbfvD4EZ7vKDPjHva6AAMAoGCCqGSM49BAMCA0cAMEQCIA5c+ADbs0Wzh3mqoMOJ9vsIiGpKNxg7eucX+G/xsOxuAiBgLSz0cPnU9bonVbdm6ugVtAM+SaYjz6sqUzdyKC2lWA==	approved		operator	1796559694.6846478	\N	\N
4	1796559699.3017309	held	scep-pkcsreq	scep-static:held:	7577d81ccacf1ddccf1d958d904feac36d840e38b033af571751c36607194101	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAKz2gmP19agTYNPfNOCFv5Y/hE1/G0otiF0KEj9WI/4ePjPAIBChuKCmlgFx0qwg9D7u26Aex/UTpNGdoMXIDFhJLfwX0miBvCg6YmddBLYv85K1fBFEX62WdYrNBY7FULbf1p9VcDWW2eLVV0KtD/L9BIEZvPwgYuX4U526O5kSsjDNLBeQIcM403Z3buu5XaxHf78CzZJEtKTicHTI0ugQJkgbYW6LDebSHpE6RI5yNkbaH7tzNuKv2a7S3cOrNAH7oPFJ3m/cPp0OdQddUaSwlgVwWEjSqMuXW2NKzet1FXhSWex5mvf53ona5OVP1J0qAMz1A31KL5mxX2wrOx0CAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQCfENnd9i7hGyH3AzbBkwVdV4gmn1RQrhwdjLgoO5I1vw70+KuBEIytuIA4YPTW3CGIarPoYo68Wffj+u1gF59Gz64yJnnhHLuyon9BxoIi26pQXbS/c2Zypl1anglfmdYshF9fA2V0tzCzEbblH7mZwBCqrZNxRQPrIB+N4a1KiCvY+UhNlpp0j0jyeUjZJOelcR9CuEpLKGsn02G45wTLXTch1nsFvEBOMuB+Vf3/Lu1SbiNYOvH6aqHrfGdYchFyDv8q2DgJnUWCRb4duI1wI3F9FBwSHm4LSYNfke2/+Dovnz159JV16nrlD+AiZykSM3uTYZ2tVq5OmR/7g9PN	pending			\N	\N	\N
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
2074849969250c392b661c1f4e5d1250	1796559699.1743739	7f0b68927d370d029e0e0913798d5b85624f60b487d6e63e689eee4b65a34910	begun
d7a436337dedb32c47a1dd5b87cc9e7f	1796559699.2964196	9bebc6b37548b65738e5946d41d8adb0554126c1389c6976605648986b344a2a	begun
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	FguHONM858TPR8aPG8Rzrg/lvk8=	7ed1a4288bc480e5703e576b882450962041c2510c0de5bcfa3fc9a24e571a3b	1796559699.1743739	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqCyCYJ6vOE6mzsvINefF0BHuXjjrrCxs4kNNbpumLyU0xwKrcVSYRNjrymbqSGSJtyDFse0T+MxHfT9678Pb2MRMWdDXsvKXQQSaunkmc2GtsBgKKdFdPaIt6FoiQaNSXmfCRkXP5K8ARXT/IMRo5LYj/iXv2gWucXXogFd6zUENlEpgSz+bWjPZuSijtB9qfZLnKjtOjU8yTUegeudrLN23XAXCKtsvTisCPwC4MiT5D9g9/twqLRWXKxwbxD11ac7dCsepz+u2IegFni1VuzGluIR+Z0KuBY0B5kxmot2ReVFOnvGMRQb44rLRcXSVLB69HwFoiGI2fVgTYgVp4QIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAJuuXmIE+7iHJaH/0yS4vQLt295OCgGtzpIheZcCVLUNBnPX6fO2aS8y/P/PFgdfiKcJncZH9QJdeu4hk08vhoBwtGGulvHB7gWUSNIttnhVN40bL6raP8qKS96Chf3B8YzBAAvVxh9h6AHL1CIZv3QR2bdmnXpg6eihqtbRq8P5tLemrboj51KypiKulnvfmuSw3sCyzgZ7786k+EeGKa4HZWrJQHwC3Ca+RoJiX9nfLCtZ+t/tpgj3UGusCIgPZS6W0hMqREyn7sfpayi4IWl5yF6hM+TMnhOC/psbGcZSjDMZ5VzWA7gu70ZmjYWsionIsnlhRaJn4tVAyMzQ7h8=	7388E82C4176A1435A86ADFB468FF483FEAA39
held	tdBPC+R98xK97XGqPQ7mFd+8rTI=	7577d81ccacf1ddccf1d958d904feac36d840e38b033af571751c36607194101	1796559699.2964196	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAKz2gmP19agTYNPfNOCFv5Y/hE1/G0otiF0KEj9WI/4ePjPAIBChuKCmlgFx0qwg9D7u26Aex/UTpNGdoMXIDFhJLfwX0miBvCg6YmddBLYv85K1fBFEX62WdYrNBY7FULbf1p9VcDWW2eLVV0KtD/L9BIEZvPwgYuX4U526O5kSsjDNLBeQIcM403Z3buu5XaxHf78CzZJEtKTicHTI0ugQJkgbYW6LDebSHpE6RI5yNkbaH7tzNuKv2a7S3cOrNAH7oPFJ3m/cPp0OdQddUaSwlgVwWEjSqMuXW2NKzet1FXhSWex5mvf53ona5OVP1J0qAMz1A31KL5mxX2wrOx0CAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQCfENnd9i7hGyH3AzbBkwVdV4gmn1RQrhwdjLgoO5I1vw70+KuBEIytuIA4YPTW3CGIarPoYo68Wffj+u1gF59Gz64yJnnhHLuyon9BxoIi26pQXbS/c2Zypl1anglfmdYshF9fA2V0tzCzEbblH7mZwBCqrZNxRQPrIB+N4a1KiCvY+UhNlpp0j0jyeUjZJOelcR9CuEpLKGsn02G45wTLXTch1nsFvEBOMuB+Vf3/Lu1SbiNYOvH6aqHrfGdYchFyDv8q2DgJnUWCRb4duI1wI3F9FBwSHm4LSYNfke2/+Dovnz159JV16nrlD+AiZykSM3uTYZ2tVq5OmR/7g9PN	\N
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

\unrestrict b6875NdPpYOfTMBFvr7A5VICDuf8KZX0op1Day2T0UxBYAzgixNOK3paAwrJnhb

