--
-- PostgreSQL database dump
--

\restrict 0gRPrK324S5W4Nsa9ZDJR9MsTZceDRnGpkA5QuTleR3AikqWMsrtHhn2E2LMhgC

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
-- Name: revocations id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.revocations ALTER COLUMN id SET DEFAULT nextval('public.revocations_id_seq'::regclass);


--
-- Data for Name: audit; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit (id, at, kind, identity, detail) FROM stdin;
1	1796548772.5308192	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796548775.0717087	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796548780.4116297	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
\.


--
-- Data for Name: codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.codes (id, code_sha256, identity, created, expires, used_at, used_by, revoked) FROM stdin;
1	a026e42c044f2ca13b80f46f8cfb40bc6a7919526086b2d3b45e371050d79e4a	basic:carol	1796548780.383528	2111908780.383528	\N		0
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
1	1796548769.8882892	basic:alice	basic	127.0.0.1	default	simpleenroll	b6d8d013c24c6f4ca3c1c26a29b2a2bc4326e57849af3707eced8cb8d2a4580d	b6026a4898c5786a841c52f37d37e6328c006d14812aace1853ed31b69d0597a	CN=alice	[]	issued	issued		1176FB470B107A68B0636DC8B66236FC534867	2111908756	MIIBrjCCAVWgAwIBAgITEXb7RwsQemiwY23ItmI2/FNIZzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxNDI5WhcNMzYxMjAzMDkxOTE2WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKcAcR1CPveE29/4jFiNTV3sMOyURUM4hvm6UFVVOX1NNuzlrN8ceWKjOQpDwKtl9FbXa1c1Nez806uX1LpfKzOjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBR8/kVSRM2d/nNkwBK4Vij5DePEIDAfBgNVHSMEGDAWgBQbh49Nq+PBx6UxBMGQE8SiA19o1jATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNHADBEAiBOovaRp7bIEVijqQVCHatd/r/Q7ijzmNqGOgTTixPikgIgCXSy10oToilxBR1EJmQ3/LC0UwlTeEYNRzPkgVPcqOA=
2	1796548770.304179	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	9cc26702588dc49289ddec53e20fc35b9bd9674e02069dca436d59ce662480dc	779519770710f184460030184eb77ae0bca60e508c14f86f8a4c7db3d79bed7d	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796548770.5763187	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	4579ceb9f444163b4cf6b95ee7a78474a34cccf488d13dfbfba132565f4b75f1	4153849bd55230ea04d1e22cc48b4b5a6704460a5e9ded10a4288d787a29d08b	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796548770.969443	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	fc0b8a3e1c7371392822ed407e9f7291c8875b04dd7e6d360397cb97112dd754	b8d7cbac2aec71cda2120144fd98bbb3883671c66384eb613247f4be4b7f843c	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796548781.4999993	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	9c2c8f2858126cd7f3c19271599fb19a9067b591718f4ef8627639161ea7f80e	3884509f104497cd42d17629aa5ef9478250aa3dbd65e8a99ec3d02204a2183b	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		21F4A4BD859FC069661D069DFE8199380891E1	2111908756	MIICsjCCAlegAwIBAgITIfSkvYWfwGlmHQad/oGZOAiR4TAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxNDQxWhcNMzYxMjAzMDkxOTE2WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCoiAph2ryAlT008cT/3nzWtxxf3KFEDiL22FFCNWxEAboDyhTq1EKDeHKPqipXPhhcp4haxLs82lAPF8aniIWYG7iJXZ5wl8xBkDU+nYaeXOGLbd0hXlTJFKOEaUzcYtkntaQC9tTQr4AgIWFJi2NNWaZCNza8LiIRXIf9qcv8HjnuDUNF9xZ45nEcAfxKbinBVMgzQCNDpn/8SVQLMkxG9Cz4qC+C3hj4kjeGExJQmWzT9C/uVkrLj67pRPDvJzQ/lUKUaCVEUQ5bJPoYSpncQaauwgpbypLOsSIuPAw68HvdYQNb5ZWWKjXjzJGAKrNxVIsjLScAKwrgQlhJp5mTAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBRPeu8MUF59JKQ51I4/KXcbDCBbXTAfBgNVHSMEGDAWgBQbh49Nq+PBx6UxBMGQE8SiA19o1jATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNJADBGAiEAouN5QrGS3WidWFsZsZb2bkeR11oyt///vtKjZjzVmOQCIQC03vNdzNwvxBrayVRYxipWtjMws3FJK4mqwXNKqn201A==
6	1796548781.6920831	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	94c885809614ea9bf4c810374c416ea9b12cf421500f06ab888f8f0d6a78bccb	abc6b34348a32038d0ada225cc40122bbdce43e427ffc0fad6994982f50ce057	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial) FROM stdin;
3	1796548770.999643	held	simpleenroll	basic:dev-pending	b8d7cbac2aec71cda2120144fd98bbb3883671c66384eb613247f4be4b7f843c	CN=dev-pending	[]	MIHPMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQl93tfDsxBbo74lKSBwdYr5QOwSfwTzHukiJ2G5/IzGoJ+tC1AWbD9vg9dOj6I3UvKUsPQWlxvhqKmgH1X9IgnoAAwCgYIKoZIzj0EAwIDRwAwRAIgBFg6qUD0eor3mcdD3qp5uOcbJmdXgft1G1E1rAnaZlICIBKxOVjENwhmOHrN5halOygyYfPTPKmSHimzVnyASuP3	pending			\N	\N
1	1796548770.3184862	held	simpleenroll	basic:dev-rejected	779519770710f184460030184eb77ae0bca60e508c14f86f8a4c7db3d79bed7d	CN=dev-rejected	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAElrvOC9qAiom6W8mr9FWvSF6x8j0SjpCNODvR6aqShhAlBcoUheGVsy5tgGQQ1l5HASd73UANnsRc+CRVIZa+pKAAMAoGCCqGSM49BAMCA0gAMEUCIQDAn3zfguF4BgRzM+WmcJX6e8DzlF5rxbKFV2ypxsWFtAIgFhr7fcpEXexFIHcg4kclM+h6ivjpb5MLCnwOGOSdHOM=	rejected	not one of ours	operator	1796548772.5270355	\N
2	1796548770.5808783	held	simpleenroll	basic:dev-approved	4153849bd55230ea04d1e22cc48b4b5a6704460a5e9ded10a4288d787a29d08b	CN=dev-approved	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEtP9z/rdyLphwj8omkmNmNgmNRO1wn/HtgtFbg6JDPHIr5CXg6BDMv2jgek1VxzSvFnB0rlJjk4jXGm53uxXroqAAMAoGCCqGSM49BAMCA0gAMEUCIQDwAW3Q2H3ZFgtH9cWPz6M+WPsnXUCcKs2gbbXC4olebwIgPGHpzakjmD15lQ8zVjFZLv7o9RupiS5qWqfWmbjS65k=	approved		operator	1796548775.0594738	\N
4	1796548781.6934764	held	scep-pkcsreq	scep-static:held:	abc6b34348a32038d0ada225cc40122bbdce43e427ffc0fad6994982f50ce057	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAKqEsj8buGo+N/+UP0j/Enh5eXXKZ1HRXwvC9Rl2OxtNexbfgv1UT5grMTCkoIiYPwz5eBeLNMQ4XsOnWmTro3bOzxxIjQUp61oENzCcg9g05ZgC1TeLBrY+TQlcI/lJLaPAheUnd/KevpdOChHNJYZYjOsvl0b7HQKd1D4Gi9HAOA32Z/iGM1OCCvBb38SSGTKD8NC0nQVkQEi2tEbap3KSnQSy+BxD6Sequ8lIUx02+c6U3Dk/8P4semhWGkA3p/QZnToJ/4vmJ2cBVnJh/mseFIi94KRncRKcbsFC8h8YrmR0ALh9PdbAGhhpIjuydkzCQ4hALWONQVyslmfZIjUCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBrMSvUtMdy2lDN+ZzHByzOIWDkibu7KSCJqEL44LW/TYujQeUqdrlsMYW+2ZhujhG+6+pil5urrwXOfhvhB5ZWS688L+lnzXaaKDzbEPbVM6B77SUJTojj3ErwpWf9FT6C/w6aEHIW/pZQnPe1gIk/nWWpVYuHd8POkwgaS8tCdPNlz64bRMuoi7zho00YoOuqAWnpEID5D+Ic3HChIb4YTEZGoYYQ42aY4hbKg+9EKVy5MuUhBQKflwaSjRLO6ys4c66LAe1wAfROkzLvgBr5LvdrudLxlsgdESgUv5Wytp00fqtn0I11cD7sjsdq8hSUJI2XWK3SgjmaYElSvnoW	pending			\N	\N
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

COPY public.scep_nonces (nonce, at) FROM stdin;
80d8743134555182b801d7ed5a6ace25	1796548781.4551342
85d70751c6aa2317316a928671ca63da	1796548781.584421
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	Fd9kULHsxHxjsqpd+M0WTn3Nslo=	3884509f104497cd42d17629aa5ef9478250aa3dbd65e8a99ec3d02204a2183b	1796548781.4931235	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqIgKYdq8gJU9NPHE/9581rccX9yhRA4i9thRQjVsRAG6A8oU6tRCg3hyj6oqVz4YXKeIWsS7PNpQDxfGp4iFmBu4iV2ecJfMQZA1Pp2Gnlzhi23dIV5UyRSjhGlM3GLZJ7WkAvbU0K+AICFhSYtjTVmmQjc2vC4iEVyH/anL/B457g1DRfcWeOZxHAH8Sm4pwVTIM0AjQ6Z//ElUCzJMRvQs+Kgvgt4Y+JI3hhMSUJls0/Qv7lZKy4+u6UTw7yc0P5VClGglRFEOWyT6GEqZ3EGmrsIKW8qSzrEiLjwMOvB73WEDW+WVlio148yRgCqzcVSLIy0nACsK4EJYSaeZkwIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBADrGuCBSHqZ9Bmv2ALBT63JwGsm+eU59q6ffsKKJhdQq8uOWYfFaAilbUTVkqIzlWA/u+aABj8XknrP6KfPOh9chVTh/haqxxWUQOD7/GNgJjaTNGNmNqE28QvOaCRf4ldbS2BJC5mbS3quNJi0B4fk4TjJ9DeRj105r233opFyR7j1U559bKUqJ6jlTflxB89o6FEHkPB60eNC6TtSG6nQgBV2d4YrrSb2oLNfWuLEXY9AhF/tmEaiLHy53eyxrfkrBFqbfHVwf28bOc4aSqlCRPCIiIarFrOaK7SPcsBztPc0kKvRohjLDwuUkZiPBWaDPWSBjaoVP7m6lKKBd9so=	21F4A4BD859FC069661D069DFE8199380891E1
held	W/lx/Rqdb1hAZDA3moaNkre3L5s=	abc6b34348a32038d0ada225cc40122bbdce43e427ffc0fad6994982f50ce057	1796548781.6647496	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAKqEsj8buGo+N/+UP0j/Enh5eXXKZ1HRXwvC9Rl2OxtNexbfgv1UT5grMTCkoIiYPwz5eBeLNMQ4XsOnWmTro3bOzxxIjQUp61oENzCcg9g05ZgC1TeLBrY+TQlcI/lJLaPAheUnd/KevpdOChHNJYZYjOsvl0b7HQKd1D4Gi9HAOA32Z/iGM1OCCvBb38SSGTKD8NC0nQVkQEi2tEbap3KSnQSy+BxD6Sequ8lIUx02+c6U3Dk/8P4semhWGkA3p/QZnToJ/4vmJ2cBVnJh/mseFIi94KRncRKcbsFC8h8YrmR0ALh9PdbAGhhpIjuydkzCQ4hALWONQVyslmfZIjUCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBrMSvUtMdy2lDN+ZzHByzOIWDkibu7KSCJqEL44LW/TYujQeUqdrlsMYW+2ZhujhG+6+pil5urrwXOfhvhB5ZWS688L+lnzXaaKDzbEPbVM6B77SUJTojj3ErwpWf9FT6C/w6aEHIW/pZQnPe1gIk/nWWpVYuHd8POkwgaS8tCdPNlz64bRMuoi7zho00YoOuqAWnpEID5D+Ic3HChIb4YTEZGoYYQ42aY4hbKg+9EKVy5MuUhBQKflwaSjRLO6ys4c66LAe1wAfROkzLvgBr5LvdrudLxlsgdESgUv5Wytp00fqtn0I11cD7sjsdq8hSUJI2XWK3SgjmaYElSvnoW	\N
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
-- Name: revocations_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.revocations_id_seq', 1, false);


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
-- Name: enrollments_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_serial ON public.enrollments USING btree (serial);


--
-- Name: pending_match; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_match ON public.pending USING btree (label, identity, key_sha256);


--
-- Name: revocations_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX revocations_serial ON public.revocations USING btree (serial);


--
-- Name: scep_transactions_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX scep_transactions_serial ON public.scep_transactions USING btree (serial, signer_sha256);


--
-- PostgreSQL database dump complete
--

\unrestrict 0gRPrK324S5W4Nsa9ZDJR9MsTZceDRnGpkA5QuTleR3AikqWMsrtHhn2E2LMhgC

