--
-- PostgreSQL database dump
--

\restrict IF4HUSdsHnAFDJ271xUADLTYtx2P0PulOOylCzF9c75aZMwcsQNEeAOxVgrUrkE

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
1	1796553546.4895782	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796553551.386097	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796553561.631516	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
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
1	8ab12b7d30fe88ee6cf19c280236506873139d215f9a2c357fe6c5878c7cdad0	basic:carol	1796553561.59142	2111913561.59142	\N		0	
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
1	1796553541.0395799	basic:alice	basic	127.0.0.1	default	simpleenroll	ab130a9a73f514ae07e4a043a798c6406c97efee63bbb02453c37e6a9e005a06	37b35acf548149e35cadbd4e488d79e939b5922bf799cddb040ee56c9029fe71	CN=alice	[]	issued	issued		5D1D7049907CB01016FA276DD0BD741FB167AB	2111913520	MIIBsDCCAVWgAwIBAgITXR1wSZB8sBAW+idt0L10H7FnqzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTAzNDAxWhcNMzYxMjAzMTAzODQwWjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKeJ+tQd39blyxIpVQ3DwJqXQrrt0zNJCmAPBT7r39wDBCCL0Z0EXMCrn1YYUQCQ+jBL18J9QQ4VvS3htZp0FqGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBTsH8q34jbyFPbsY30Bbz8CIQTxnjAfBgNVHSMEGDAWgBSFdOYDwQ3CM95gwtwdnXlh6DW9pjATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNJADBGAiEAt6t45NfIj20G33pVYYEHKKWFlLPWeQFDhvjnNnNxCRoCIQDsE27nqqbogesSN22UY1iUkgTCIDdcQYVVNfYaLNmEoA==
2	1796553541.5365388	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	bb010ef4ea4e0c46c570f1e58aa5140e12cca2aacf7f4ce6ec7dc96e2dd64dfc	e221d235b99496ac91d68961ed598e4923224de1efbf18c8d7bfbde3641f9717	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796553541.9927204	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	26804acba80a03d0de1e43e2f7333ed4f010e4e39065229e5f80d3c13ab72b74	50ea92005b5166410f92a558e653912aac9219cc575a81e5a7afe073fe6b8475	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796553542.5920472	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	d7a37b328a941572d369ac9cf9055f9acd595f2f03cad209246d7b70b1b5069a	46dd9e115a95ccf4e92d65ad4cc217fa659cbefc96d6e94f2480a9da9fca0798	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796553563.163887	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	95671978b77663e0a55fd70621eab269911f66c143f10e25d86dbd14844db5ef	6c7a6c9ec03b32d5663b81e3e3636a5ae72ffdce522488a0815b6d12853b9f9c	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		04F3632A3ACDC5F8174FE991B1D3097139FE87	2111913520	MIICsTCCAlegAwIBAgITBPNjKjrNxfgXT+mRsdMJcTn+hzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTAzNDIzWhcNMzYxMjAzMTAzODQwWjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDIRhYM8TMiEiwUXR29O4Zno2O+tJXUvRvy2PoJd59SPJRd4X7REB+v+jEjLFBhmposCH6Pa80KKXYZy38zbhhbmsatvUhFHBifkhTpGOtnG5ACSwhOZxZBQnlN85rIJvSTXNgKSyYfXW7PVzmkW9pqDwHjbYRtF5FVIG3LvJQVmB5tuLgaqSHR/mBnDhb2MKKLBCM7lkGyeVvF0dpZ2TbVpU+GvdQ5Lm4/OHhF2OBO96oSzj70sqcb387yIyOVpNvr+MM+xKqTTmx7evERFRdLfc9M5qgqaUVT2TB5Hfn/H8gtKEIxkr0S1Ah9oBFpEGSUeusvk7ZpIPJev9xeL9qVAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBSKFf84jErv+/tX54lpLrE7PUB/UjAfBgNVHSMEGDAWgBSFdOYDwQ3CM95gwtwdnXlh6DW9pjATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiBxNFcyAJaGAyBEprjosrzVv1UnCJQaCCQTyUJDrJrcBgIhANNEHe4562a01I/eNgHen2wBzTWRmQk90twWnKwg8jfh
6	1796553563.3919046	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	9dc7241471bbba1b017d3ceb7b15e545a5e8c21b519b5c966eff4e6f212149a7	e822dadd2210bcddc0bc0c23065c8bdca5565e3ec151987512b0050e3c420519	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.003337224324545	1796553563.367581
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial, claimed_at) FROM stdin;
3	1796553542.6117642	held	simpleenroll	basic:dev-pending	46dd9e115a95ccf4e92d65ad4cc217fa659cbefc96d6e94f2480a9da9fca0798	CN=dev-pending	[]	MIHQMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARh032t06W+A35kiOOIuBlTlj63mCo3qBtitjSVuBYAUMFqCugYJwgsry7BJOkgPuKe5N4YVjcPBipaYJt0D5JVoAAwCgYIKoZIzj0EAwIDSAAwRQIhAJVhS9a48q45ndW+nfzls/Xk6is8vfa39FHh9WloV6mNAiAkS/UbbQ2d70frLNLzN7BYovR0YIPq5VJM/Jn2WdvaaA==	pending			\N	\N	\N
1	1796553541.5384643	held	simpleenroll	basic:dev-rejected	e221d235b99496ac91d68961ed598e4923224de1efbf18c8d7bfbde3641f9717	CN=dev-rejected	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEtymfyOR5XZXoUzl5MNoK6iffWpv0NcnE8w6lrv9JcRo+h86Phnkz5CUuCryjR9LFf3ryNcJ1YzM+9nZyeVlSW6AAMAoGCCqGSM49BAMCA0gAMEUCIQC9+XxJe+1oyVqC+EO78sPuVeQa+4aiClDazBftaOp2QwIgWZZ31jSVcRuUrlyZb5+smY3RA9dypixMsvD2x2ktCps=	rejected	not one of ours	operator	1796553546.4775913	\N	\N
2	1796553542.0478928	held	simpleenroll	basic:dev-approved	50ea92005b5166410f92a558e653912aac9219cc575a81e5a7afe073fe6b8475	CN=dev-approved	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEl4kJr01BE7r4AnR2p3MZ1F7EN6mrW+4+bvrB4mtBPOZItPj8GiVDplND64BkjkTA49ptWE32cWO3jik/7Gb8sKAAMAoGCCqGSM49BAMCA0gAMEUCIFK4e/hrrFXC2WvbUKAuQ3OVe39LtrBcV7Oe+uS/1SFVAiEA0w7uWZPU0AV8gb5TRVeTgAYtmw92K2uCVPkOHGz/J8g=	approved		operator	1796553551.3777416	\N	\N
4	1796553563.3930976	held	scep-pkcsreq	scep-static:held:	e822dadd2210bcddc0bc0c23065c8bdca5565e3ec151987512b0050e3c420519	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAKhgY6ORenaX7b9OEBCcfm9YQNnziPdagjbcH65Ev/q9T9XgEhh7XZ4yhqzjlIL8+bmbEGuqX+EFqQ2du8QHKtSawmdetRvAWcaRDxSSuc4P6MvMcOFXgMzL25tfQxPG7HU0FXGlWp1w59htbQLcd4Gwy7qBlqq+U/bnUZQLGjeMSCceyk3eaX+115D19sIYvhYLA0sCSXdA65oW7Lz7yOlfWcT+mYU9w/jT7px8THib8horArRSIx27jsfDt6rUshGsO8AzO61nnHD79Y0GfWtzqO81IslJgCHPpwblABv8qh1qGkt87gAyjQzphDol36b0GFVwi86rqNwvtwsE7uMCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBjsBqaesOAIpJ4byBB8dReviuO2JxK1uo5KnXewVGJpUoIJJXhlVotxmSSxe3twElWY6gCdRhEK7gVYS0K+oik0SZJdPy74qFG2P6tD56LHOYS29zSw35uI8LZOYO4izOtn0c+Qi7Ab8LNEpf1mv9OTFYQPswLF/FE8Pe2YI1F6hcTKDUFiR2UOTbS+3a3Pjrp9oNnMS2YWb9iUO6hEwOeeUIomAKZ8ZwxOHfLP5GZ+uuFsUHfrZf8v1zv+Ik7QhLDWtgzgNofBT+LsPaxg7uWxPjkVPhKWr/yBpDihrd30mMKR7Veqhovxh4gFVOgRXu4njvnbf9t34URrm0AbH8+	pending			\N	\N	\N
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
8907220b864c4f74cc04902bdda9eb33	1796553563.139199	36a700060209f18b58f97b6953242d66302a5a98154fb91726bb6c9c38a6dda1	begun
ffbd4ea8d5a45d14915ee4ad353979a7	1796553563.3727763	a824b62174bd3d767cca3afb83c20bfbd9c14431feda24d0115ab2fe6348a1ba	begun
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	YoibILRemERpqQVm2g2TRHLb9sI=	6c7a6c9ec03b32d5663b81e3e3636a5ae72ffdce522488a0815b6d12853b9f9c	1796553563.139199	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyEYWDPEzIhIsFF0dvTuGZ6NjvrSV1L0b8tj6CXefUjyUXeF+0RAfr/oxIyxQYZqaLAh+j2vNCil2Gct/M24YW5rGrb1IRRwYn5IU6RjrZxuQAksITmcWQUJ5TfOayCb0k1zYCksmH11uz1c5pFvaag8B422EbReRVSBty7yUFZgebbi4Gqkh0f5gZw4W9jCiiwQjO5ZBsnlbxdHaWdk21aVPhr3UOS5uPzh4RdjgTveqEs4+9LKnG9/O8iMjlaTb6/jDPsSqk05se3rxERUXS33PTOaoKmlFU9kweR35/x/ILShCMZK9EtQIfaARaRBklHrrL5O2aSDyXr/cXi/alQIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAIsOhqdCw3CIMtd08HKHX+V6UZgpTxs7mCY9r5jNbXDwCSLUqR3WmATz0a4BqIZsbo/MLIFltLE1qyT32SF7tqdGBx+BHlylZNO/8X522280RUTmQ3OmcBHe24b4UIIugAiNiwNsgPM9I0l2A3lUivPwq2xvX287TGlTHD6cjP6+1vtCUPI7HAbThZjKuKDtv8tukKkJ8MM6wnfXh+HwheA8yzlFWUsH7XW2G0VZVMvuk0sgYjMeWogYOYQgL7+Frj6FD6p2JM2P7wQuN6CwWH0k9ibCfvTTeth0OkZmY2yUW4kn9VdJI5PPAU7xcjtNqOMK9hOv7q7sTP98e0VYzhA=	04F3632A3ACDC5F8174FE991B1D3097139FE87
held	TRgfhE5EPsZHwtfVfdx89AnH6N4=	e822dadd2210bcddc0bc0c23065c8bdca5565e3ec151987512b0050e3c420519	1796553563.3727763	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAKhgY6ORenaX7b9OEBCcfm9YQNnziPdagjbcH65Ev/q9T9XgEhh7XZ4yhqzjlIL8+bmbEGuqX+EFqQ2du8QHKtSawmdetRvAWcaRDxSSuc4P6MvMcOFXgMzL25tfQxPG7HU0FXGlWp1w59htbQLcd4Gwy7qBlqq+U/bnUZQLGjeMSCceyk3eaX+115D19sIYvhYLA0sCSXdA65oW7Lz7yOlfWcT+mYU9w/jT7px8THib8horArRSIx27jsfDt6rUshGsO8AzO61nnHD79Y0GfWtzqO81IslJgCHPpwblABv8qh1qGkt87gAyjQzphDol36b0GFVwi86rqNwvtwsE7uMCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBjsBqaesOAIpJ4byBB8dReviuO2JxK1uo5KnXewVGJpUoIJJXhlVotxmSSxe3twElWY6gCdRhEK7gVYS0K+oik0SZJdPy74qFG2P6tD56LHOYS29zSw35uI8LZOYO4izOtn0c+Qi7Ab8LNEpf1mv9OTFYQPswLF/FE8Pe2YI1F6hcTKDUFiR2UOTbS+3a3Pjrp9oNnMS2YWb9iUO6hEwOeeUIomAKZ8ZwxOHfLP5GZ+uuFsUHfrZf8v1zv+Ik7QhLDWtgzgNofBT+LsPaxg7uWxPjkVPhKWr/yBpDihrd30mMKR7Veqhovxh4gFVOgRXu4njvnbf9t34URrm0AbH8+	\N
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

\unrestrict IF4HUSdsHnAFDJ271xUADLTYtx2P0PulOOylCzF9c75aZMwcsQNEeAOxVgrUrkE

