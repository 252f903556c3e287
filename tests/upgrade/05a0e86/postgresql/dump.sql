--
-- PostgreSQL database dump
--

\restrict 7XlvryJphYtuG4SFXpI3Soyt8v0TPjwYZ2UUWjck9oY1qk8RMBgUwHxaIXo906J

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
1	1796548924.246853	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796548925.8795094	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796548929.907503	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
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
1	23b855ad48e94f0cd2b48c9e4c179fda902b647018727a5a9a3384beb52130f4	basic:carol	1796548929.8878427	2111908929.8878427	\N		0
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
1	1796548921.9848025	basic:alice	basic	127.0.0.1	default	simpleenroll	f76845ad8d74d2d296dd70994e89a048c231f4be3951fd6e2c5335f57325325d	b76c4bbe3b10e0bf120484b300e0e63140181383fd49c43de40d0fa201567e3b	CN=alice	[]	issued	issued		1D603D147C6CC55732A460B4D5424311EE051B	2111908910	MIIBrzCCAVWgAwIBAgITHWA9FHxsxVcypGC01UJDEe4FGzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxNzAxWhcNMzYxMjAzMDkyMTUwWjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNtm1TyJLZbfqH039BDbmRbgIoZb9tdQrRBPtggQRLDaBRwYfKbeAdc5aepZgmUYSW7BKY5YMF1JQIcBtS6pKZejdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBR7WchBXgJgfXNvU025H4FvdtTMKTAfBgNVHSMEGDAWgBSpJ8QIgIERr21ohFi38g3jPFLogjATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiEAgAhd8HBdcwUL8HIVXSgdj/kDww0jc369Iw9nmEX7fLkCICFmWaebUN3ZHdHhrHAZ4kyy1P8A5W5xh8BEU60s2W8q
2	1796548922.293661	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	a3cb8ba2242873c02f2594ebec2b426cdbcecb5663d20e928809f19e17eba3ed	97b50f9b455f0b5d35a711e2c7db30c7eda8cb3d90ebf298d151854415d35192	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796548922.5814612	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	f8b9da130bb729649fa9951797e4cc136877daaec5aa176523c8d829586ee353	2c778788f70cfeffe31813b42a3e707acfb242e1e8f1a9892de54f6e08493183	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796548922.9018314	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	66a154ed2414b56969a982ef5595470bbc64e6206fdbb78b8e54f0acf62dab13	9bdaca1fbc1127e0ab5160617d8f0b93816686fb556151d3a6ccd111bc32ddd5	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796548930.5397034	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	1b39b50a0fc82d998393d72eb5cbc8b687256b26800668dfbe4291db0cdf96d6	05d483a8e2554cd2e298c1eb87dfb2b021f3717c7b483d5a740497a52c6ba82c	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		7E72232AD906181555AFC88CCBAC706AE8BB33	2111908910	MIICsTCCAlegAwIBAgITfnIjKtkGGBVVr8iMy6xwaui7MzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxNzEwWhcNMzYxMjAzMDkyMTUwWjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDJhK5BaJgPRS644FjGI77cz8m1VefWdQyUxYzh18uCvYRjHki4lV/NxknB0f51kA4GyDxnyK1fkn/TGoaJlF+p5NDD05I2NXwDQweJGMsq0LTO2/2FH4BjqPNi1/iZYFxt6TWeSvKkujSzTw/M3YoGsst0rATOMmIeFOhw8hOoMwxQb+pKoND7+KioD2DPCzIMliOub6Qsl+t3MP0FbyMqiKjGzXtwQCR/KKhrpORN6pBBECwZMB41lr3fHsIa6Iwbdd4aO6j153rgir+hgWdR5POPtxWd3SsjULf+XluKtJflF8GD//JYpWk7UsgUxolgtHbmGtEtF4yEIJFdeHF9AgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBQp6Ti+ZMsZpIwOpkD6XzT0aVlXnTAfBgNVHSMEGDAWgBSpJ8QIgIERr21ohFi38g3jPFLogjATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiBop3stzYGuFUFHfkTK8lUOrBEJKgNuWCmg16PQayy0wAIhAIyYQ0ACmJJptCex3XusVy6ucbofdYVhelTGoUIrmbmo
6	1796548930.6637192	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	80303a629bbb2f329cf16210de11a91d121385b632ee6513cefff33367c198e4	4070be18133a36f8f28e4b0103bb2a0bc580645833696d4246e7db69bf756d5a	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.000679930051168	1796548930.6361103
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial) FROM stdin;
3	1796548922.9100962	held	simpleenroll	basic:dev-pending	9bdaca1fbc1127e0ab5160617d8f0b93816686fb556151d3a6ccd111bc32ddd5	CN=dev-pending	[]	MIHRMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ2UFzK9M7gfUr3ennT89s/zIaD3CacXVX93OL0IsjF3/MGJ4SQgVqAxpH4LT0pAHIZnEGdCy8l+k4JuEz5cLG+oAAwCgYIKoZIzj0EAwIDSQAwRgIhAO5iLak0cSJHqWh5I0cUY5xnyouCvv+W6BR5oiPvGrYzAiEA/dtdgqr/PMBxaaXmhMbeCWpJ6dXIbc6gFOdUg8LjP0w=	pending			\N	\N
1	1796548922.2995346	held	simpleenroll	basic:dev-rejected	97b50f9b455f0b5d35a711e2c7db30c7eda8cb3d90ebf298d151854415d35192	CN=dev-rejected	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQaZ+ACO6BBm6Lx9TpfHp0BMBfjrrXwfUhOKYAHcoXIituibNFfeDtpun/9nYZ67KoAtv9yOhlOX5gaJkgOJpeKAAMAoGCCqGSM49BAMCA0gAMEUCIQDUSxidk5iXtZeq2FMtsadwDRxRdG8VAA64CRJH33EIxgIgMMxYNL6Zwm8hS0SVqM781fFhD+nX999P2+bTByhQtQI=	rejected	not one of ours	operator	1796548924.244337	\N
2	1796548922.5831463	held	simpleenroll	basic:dev-approved	2c778788f70cfeffe31813b42a3e707acfb242e1e8f1a9892de54f6e08493183	CN=dev-approved	[]	MIHSMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECMVd2ITVbDxEtziKG8FqLfu1Ro182lz0Lubx7pa0s/fYTcLWgHZggFc03SuYlsLLsfDEc5MH4cha8LaJ0uLzwqAAMAoGCCqGSM49BAMCA0kAMEYCIQDBJ2DDc02lxxkzkPJPDTvP4UqEnjd1MnXqx74jKpgGrQIhANDwiKfx+4t6EaTqCJxQb2xl286fmLCb3AWVgoE23vNT	approved		operator	1796548925.8594127	\N
4	1796548930.664742	held	scep-pkcsreq	scep-static:held:	4070be18133a36f8f28e4b0103bb2a0bc580645833696d4246e7db69bf756d5a	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBALr+ocOlZ53dUX0bvbsbB6rUmkqSL9S/fdHBYBSetuu3JMxfpKfO0A0+WUS8JFpIkBL/QjCCNYsX1/WAlbliuFxBky17+reKFkqroQvNW1aKDa6MPzcCFsO6gqjAOxImkTTkxBl4LketPZNAxLTolHNnQLMwAU87OvxnRsjPv8R0Fc5RTLhigNrqVbF/mYXyBC2bnrJdMAPXRWNbA697w4YONbFUvfvEghzlygevr1p7qoZBwd/0EjJ3fTaPh6ucoTIrebcOzRrb+AO4ZNrL317oSvRKmk0gTkD4HC76tRzURZyXDCYsXolcM6s/RI8RZc7fgKl3N0WJ9oMuqXbVT+ECAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQCsAuoozwW9uX/Zqp4b0C+lYITPkGMNRCvxbSFZWlZEJzuwQiAOHqPExKqupwHy22qYrf4KzPXuckOsqNucLSdHdEJ+8GkND6hQqSY4WIu4+I48//M7LuWilViD7z+S2265h03h6ObUkvTn15bbYOeSuRUTN6bllArAt+mUOWhMozhm/n0WU2jQsu7CHYJ4+f49+jl91aFEUsKRbE/BaeASGiZWnsqfSY9tBmufbMuHxO5355JKGBohKWDLvi4yHItobKqj01LrJuRtbAg/pMeoAKXorwnDIneZFy6d8SlDm/WT7ACQCbVAC6q3gs/FRrGdO5GcNQT6cd6zx5rzlhCN	pending			\N	\N
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
e6d04b432b957cdc6d5beace795ebe36	1796548930.490412
06c61930704a5163f79427919a545716	1796548930.5770466
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	qUEbL34aSXYZa2oA5TD2B34uGEQ=	05d483a8e2554cd2e298c1eb87dfb2b021f3717c7b483d5a740497a52c6ba82c	1796548930.5380728	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyYSuQWiYD0UuuOBYxiO+3M/JtVXn1nUMlMWM4dfLgr2EYx5IuJVfzcZJwdH+dZAOBsg8Z8itX5J/0xqGiZRfqeTQw9OSNjV8A0MHiRjLKtC0ztv9hR+AY6jzYtf4mWBcbek1nkrypLo0s08PzN2KBrLLdKwEzjJiHhTocPITqDMMUG/qSqDQ+/ioqA9gzwsyDJYjrm+kLJfrdzD9BW8jKoioxs17cEAkfyioa6TkTeqQQRAsGTAeNZa93x7CGuiMG3XeGjuo9ed64Iq/oYFnUeTzj7cVnd0rI1C3/l5birSX5RfBg//yWKVpO1LIFMaJYLR25hrRLReMhCCRXXhxfQIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAMB9hZ/5ObQlHhrx5bNP0d7jEZvBEEOU2WPpcDnOxhAw7EijilPsQzcSjSYv7Zs9LMma0KL3cZZ5/NEJ2lU7XI0weVS2T2khv2S3IQh/6V8If0eCRmsk3sZuHB0g4B8n3u7/1bdeQJx029dgQxFfdWB15bJl2u/2h6aMiUqDhIZCFIe+8sYNcOPCzc23XNIMNlTNXO8SilF9mtF3TnSRHkC1A0wKtRT8AaAlLrCajrBWrT6Dwkbv7cHr5d6HB5sqq1RWQQnqB8zpENGUdmntT/bMizXIXKEdHjEtqC4hhTP/T9epf8JdfZ6JVG6PVgSSGJEs5FIPLgWPnIGE+AdEgXE=	7E72232AD906181555AFC88CCBAC706AE8BB33
held	co84mkNepDtvxPQSNVZI9TotKGw=	4070be18133a36f8f28e4b0103bb2a0bc580645833696d4246e7db69bf756d5a	1796548930.6441305	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBALr+ocOlZ53dUX0bvbsbB6rUmkqSL9S/fdHBYBSetuu3JMxfpKfO0A0+WUS8JFpIkBL/QjCCNYsX1/WAlbliuFxBky17+reKFkqroQvNW1aKDa6MPzcCFsO6gqjAOxImkTTkxBl4LketPZNAxLTolHNnQLMwAU87OvxnRsjPv8R0Fc5RTLhigNrqVbF/mYXyBC2bnrJdMAPXRWNbA697w4YONbFUvfvEghzlygevr1p7qoZBwd/0EjJ3fTaPh6ucoTIrebcOzRrb+AO4ZNrL317oSvRKmk0gTkD4HC76tRzURZyXDCYsXolcM6s/RI8RZc7fgKl3N0WJ9oMuqXbVT+ECAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQCsAuoozwW9uX/Zqp4b0C+lYITPkGMNRCvxbSFZWlZEJzuwQiAOHqPExKqupwHy22qYrf4KzPXuckOsqNucLSdHdEJ+8GkND6hQqSY4WIu4+I48//M7LuWilViD7z+S2265h03h6ObUkvTn15bbYOeSuRUTN6bllArAt+mUOWhMozhm/n0WU2jQsu7CHYJ4+f49+jl91aFEUsKRbE/BaeASGiZWnsqfSY9tBmufbMuHxO5355JKGBohKWDLvi4yHItobKqj01LrJuRtbAg/pMeoAKXorwnDIneZFy6d8SlDm/WT7ACQCbVAC6q3gs/FRrGdO5GcNQT6cd6zx5rzlhCN	\N
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
-- Name: login_buckets_stamp; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX login_buckets_stamp ON public.login_buckets USING btree (stamp);


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

\unrestrict 7XlvryJphYtuG4SFXpI3Soyt8v0TPjwYZ2UUWjck9oY1qk8RMBgUwHxaIXo906J

