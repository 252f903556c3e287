--
-- PostgreSQL database dump
--

\restrict eqgiJ5TIPCYQBYfd3gFS7nGiwPQGSpXT6R6Mjvd7X5cjd9Sv3clBr8bY4ZegURB

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
1	1796549184.5436265	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796549188.0714765	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796549196.2278981	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
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
1	7cb9e83126ffa019bbb2757070ccdbab6a9d35d780448dae3d29b7b71488c090	basic:carol	1796549196.2061145	2111909196.2061145	\N		0
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
1	1796549180.4447625	basic:alice	basic	127.0.0.1	default	simpleenroll	433425d8237c1c65365718e5c8bf9fe81b814daaa78eea8470a8984409d7c600	8115c345545324b4088eaa70a743131742a06b64ac04e60545de9f6d8c1b3083	CN=alice	[]	issued	issued		5BDDB8B5923DF01561F2FAE9DC640D6877359B	2111909160	MIIBrzCCAVWgAwIBAgITW924tZI98BVh8vrp3GQNaHc1mzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkyMTIwWhcNMzYxMjAzMDkyNjAwWjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABEBbTIotsbR0i8tHSxRzz+nLJgN8Ie/+k0apeyRbQ6dGwl3poBC1uSXXraaAmrH/J44VELy8VouUWagWOz1YmYajdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBQnXlrM/m2E2kNfRG6C957c/5SOLDAfBgNVHSMEGDAWgBS5zAznQvgM5hkThSidolaNJVd9UjATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiEAsVuneXvKiUXI87tUrJ+PNjixWv9Gg0FqlyqOHLdoOrgCIBrJ5mL84eN46kamDsm0jh79yISzAVvDmUbb8j9oeBWd
2	1796549180.8740478	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	358c9db3eaebf1bdebd830372c19e542f0e898d982e6b58fe4ddedce6f1e2543	5a6d4b44401aad98f32bb61db14f23eb4b0adcb8ffabb79973d06164ef42d074	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796549181.311199	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	eaa73139f848430485f90e72bd1170d16bd787e9c3f5f735b85ea07ff30310d1	cc3894a5bb283a77ac101beecfd320a9d86e4dcf5b42927797a5ff27da809305	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796549181.6646314	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	bf88b839b7c2c2e00edfd38c9ec311189688c9d783553d42fb9498524532f12e	1b453fee8faf215c64e96ecad63c4ee7fe683bac1314fca825eef5628efde880	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796549197.6400626	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	98726785c473fdaaf8305bbd12699b89aa446015238062c8613efb477340f11b	e7ccfbace06a41f40adcebe5915f0373a8419d299402023551b55867f44c9bdc	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		2C82DDDD37CC2286C09FF4F41B077BE998E2FB	2111909160	MIICsTCCAlegAwIBAgITLILd3TfMIobAn/T0Gwd76Zji+zAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkyMTM3WhcNMzYxMjAzMDkyNjAwWjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDCIvR0HVw538mPKualMMj3oogkGVNCVeO+5LDA6FPc/xUpggO62BqgpAUPUbD1Dz56QrMWtSjKkbAIy7fua6a7NOdceTXg8CeQHvj1zTod33lEe6ddnO92OCh9exNG4hFKHdhFnrv4YEMM6UmsMqWVLTP7XRbPEKQKhWECIBwwKal/eAjB2wdhwPhi+bs2YaE2m2tYSIb1PFoaiwebWi98AsIigIM83V58px5mlyHL/dPhcjiGlusmjVPDSfJLGLyA5aPvbm1L8cjHln3Eu94FZHSVV+5hyKvwE/XlI/uwfu60aCNMKoxIs/i7fU+03oj8y9nEmt6MarEJwi2hrInlAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBQSW/ZiuRfGQ2AwNQ3z4l1aJjWGYzAfBgNVHSMEGDAWgBS5zAznQvgM5hkThSidolaNJVd9UjATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiA7UX3p8XBqw9NTPy4sHYwRQUrOqCyidtNvUiMnRiqFHQIhAISp+cO8f8j1DEuRBHAv3is4JNsbBdfC3nHPge8tD8+7
6	1796549197.932039	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	1a1c6f28efd8d81bb485e067e7b81d8685f357eee305bf650f79783b9aabf769	b709ace4cd2a7396f6f809045e60f28e7e5bf338f828e7f869282a8ee6ac3a7c	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.014147559801737	1796549197.890962
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial, claimed_at) FROM stdin;
3	1796549181.6682081	held	simpleenroll	basic:dev-pending	1b453fee8faf215c64e96ecad63c4ee7fe683bac1314fca825eef5628efde880	CN=dev-pending	[]	MIHPMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ11tOAgapddY7lVqQIqNNqN7UuSrWK2nwqPwMKOSDsQJUpjpCW82/KrQqxb1Dby5Oz8oGdzdVEC/fbgSBDcHCxoAAwCgYIKoZIzj0EAwIDRwAwRAIfPDTtUaKLujCwfXOOEfJrezTZQdTnP6ShcgNDEb/QngIhAKxfuFD9RYMTNiin1SSvEOAWeYUodRX8j8ayDl/GdWjJ	pending			\N	\N	\N
1	1796549180.8797133	held	simpleenroll	basic:dev-rejected	5a6d4b44401aad98f32bb61db14f23eb4b0adcb8ffabb79973d06164ef42d074	CN=dev-rejected	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEnEjhrmHR7KvCYA6+tbZTrRpKoi9D411M4JzvRwECI6XAksuUVtWLJKApUhu3Ao8uzmNninHippeiv6+M4+1y8aAAMAoGCCqGSM49BAMCA0gAMEUCIHZ2L+DJZVd2h0VCeiJnsR8Nu1syZK5P3PrJ15Mb0kT4AiEAgbqW0Suo1+RK3sp9qONtH265fXwITGzBg6iFd+eavhQ=	rejected	not one of ours	operator	1796549184.5282	\N	\N
2	1796549181.3127747	held	simpleenroll	basic:dev-approved	cc3894a5bb283a77ac101beecfd320a9d86e4dcf5b42927797a5ff27da809305	CN=dev-approved	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECEG7Fof7yvgZrMnjJ0DtB3qTrYOwo4dscJs0LfkFJ6lIiJog+/z6v90vdI4R4MyDlLkZJsFn+LtsnxqhhuXcl6AAMAoGCCqGSM49BAMCA0gAMEUCIF3cerMM/Le+mw7efo2DsNW12XLQVN47xRgmHWufbAbkAiEA3vAxc3B+l9oRNmWQIPm1QhZId+UhBCB5UO5llF8QhOI=	approved		operator	1796549188.0551152	\N	\N
4	1796549197.9796968	held	scep-pkcsreq	scep-static:held:	b709ace4cd2a7396f6f809045e60f28e7e5bf338f828e7f869282a8ee6ac3a7c	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAPSI1TMcMSrDMM5SyFSsnHdQqQS64SfZVwD2sysi0yZZelSLv04D4XM42FuH7dU48Q6wdSaYkcOlH4mnivOmhRivHCANg9FwLbSj7pAMvxdYCyv7b0qboTz8QFAraicQ6nRhBX/uDf3zzar1tLQ+1EBWsKj8GbFoFT5+BuQJ+01qk53+18WLmu8i6/zk7y3fiuEJI9KoEVQlw4xxnmBiwatcqbk5VqwqR2NFUnSkoHLqpuxBOg9x7G96LmdIsFUtFVcANJaCFqVTdhQik4hqijMGRdVSsX/K3mw1muFEE2KdUWIYQr6PyOkD+u+YyugMtGJpzWnYCkwB6FbI/Mfm52sCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQAd23utR7Vz5/8HbyEvk5TVxHGB9Qe4sOngHiAxGKWzqg4QSQffK3aJkskpulBEX2lnkTasgFCZLTYktC9AO0ljoarEMRbOW85Jbnw97XQSI1dPC4HGvFMDDJpGhuMPwzdE5pAfBpzk4wWIZUzgaM+9LW4Q1MF6FF/FyNAGYSRn1STA+r2da8JIKYzTu/SDaHppHDGcNnwmfH4mBGE5l06nS7AoVXw7Yc1sTFaggSYEZyl01ihd/HI5FxVxVQ1oo+U3dfSnRjAZPLSh76waCLbNN8eKwcC8oXyuUlf2j55ovM7aKDhqNWXF1HYgprcwRPw/TDcaE++uu6NQe1B2Etwt	pending			\N	\N	\N
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
7b058884df185ebfdcd45dcd2ef6b529	1796549197.6348135	02ca9011f7c6e7ad4da96673b863342ba424d33a23d85b1754a9b234358b8147	begun
5a7578f74833d572fca339b95f75a929	1796549197.9284782	65452af96e7846c9ecdf7d75164afb1ea59ab88e3ddeafb84ccf779148b64cb0	begun
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	mnJ1aIhrmStsd7QS6sSf/8uBbLI=	e7ccfbace06a41f40adcebe5915f0373a8419d299402023551b55867f44c9bdc	1796549197.6348135	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwiL0dB1cOd/JjyrmpTDI96KIJBlTQlXjvuSwwOhT3P8VKYIDutgaoKQFD1Gw9Q8+ekKzFrUoypGwCMu37mumuzTnXHk14PAnkB749c06Hd95RHunXZzvdjgofXsTRuIRSh3YRZ67+GBDDOlJrDKllS0z+10WzxCkCoVhAiAcMCmpf3gIwdsHYcD4Yvm7NmGhNptrWEiG9TxaGosHm1ovfALCIoCDPN1efKceZpchy/3T4XI4hpbrJo1Tw0nySxi8gOWj725tS/HIx5Z9xLveBWR0lVfuYcir8BP15SP7sH7utGgjTCqMSLP4u31PtN6I/MvZxJrejGqxCcItoayJ5QIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAGX+CwKZMHA7Qo62RaLDImbO07+VHca9HLaqkv1BFQl9sTJapwDmf3J4wJ42NI1VV8KOWsM2eVuA9fj8fUk7oxzoO6J5h9yQzF2NsKuq+pGWiamgwPSdOE9nR25h35j255pWFEIpdSD/m6dLAz5N15ow6SAG0lYTncojfzpruVPj4lAzPU+w/V7fhc66pTewFVrOz+BpZy+AE9PLWlBItqb3rq2qsZlRev05z4L5NZCCT67E1hQv5Gv5/SCKvLSFhx1W9KI9uuCdirw4ji1Ya8x1QQIMUn7vz7ZkRu+LqTH2nArkb4fNwTyVJ4yHhN5bJxy6E9zEAE0k+KrtcmL89G4=	2C82DDDD37CC2286C09FF4F41B077BE998E2FB
held	UBvA2BocU/mKOVefRjKxp6SR9ik=	b709ace4cd2a7396f6f809045e60f28e7e5bf338f828e7f869282a8ee6ac3a7c	1796549197.9284782	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAPSI1TMcMSrDMM5SyFSsnHdQqQS64SfZVwD2sysi0yZZelSLv04D4XM42FuH7dU48Q6wdSaYkcOlH4mnivOmhRivHCANg9FwLbSj7pAMvxdYCyv7b0qboTz8QFAraicQ6nRhBX/uDf3zzar1tLQ+1EBWsKj8GbFoFT5+BuQJ+01qk53+18WLmu8i6/zk7y3fiuEJI9KoEVQlw4xxnmBiwatcqbk5VqwqR2NFUnSkoHLqpuxBOg9x7G96LmdIsFUtFVcANJaCFqVTdhQik4hqijMGRdVSsX/K3mw1muFEE2KdUWIYQr6PyOkD+u+YyugMtGJpzWnYCkwB6FbI/Mfm52sCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQAd23utR7Vz5/8HbyEvk5TVxHGB9Qe4sOngHiAxGKWzqg4QSQffK3aJkskpulBEX2lnkTasgFCZLTYktC9AO0ljoarEMRbOW85Jbnw97XQSI1dPC4HGvFMDDJpGhuMPwzdE5pAfBpzk4wWIZUzgaM+9LW4Q1MF6FF/FyNAGYSRn1STA+r2da8JIKYzTu/SDaHppHDGcNnwmfH4mBGE5l06nS7AoVXw7Yc1sTFaggSYEZyl01ihd/HI5FxVxVQ1oo+U3dfSnRjAZPLSh76waCLbNN8eKwcC8oXyuUlf2j55ovM7aKDhqNWXF1HYgprcwRPw/TDcaE++uu6NQe1B2Etwt	\N
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
\.


--
-- Data for Name: upstream_requests; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.upstream_requests (upstream, key_sha256, request_id, at) FROM stdin;
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
-- Name: upstream_requests upstream_requests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.upstream_requests
    ADD CONSTRAINT upstream_requests_pkey PRIMARY KEY (upstream, key_sha256);


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
-- Name: pending_open; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_open ON public.pending USING btree (identity, status);


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

\unrestrict eqgiJ5TIPCYQBYfd3gFS7nGiwPQGSpXT6R6Mjvd7X5cjd9Sv3clBr8bY4ZegURB

