--
-- PostgreSQL database dump
--

\restrict 0b5csZxtUx6NbNgpGJeHxFYkx51PCINHI2lnmkcaBi3p5UsguteFsby4ohC6UJm

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
1	1796549095.3915207	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796549098.287676	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796549103.9875243	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
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
1	8ed910afbbcca18bbf2de2d3e26b80b55c735981f6a7e9eab399069e8ed2abd1	basic:carol	1796549103.9597611	2111909103.9597611	\N		0
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
1	1796549092.7246504	basic:alice	basic	127.0.0.1	default	simpleenroll	67112b4518d23588e7b37df54fccce660521eeb76460b6af40e06d1787229e8a	8d0aee72d687d4cc8591f714918ce5f2372c928106b9fb318f85927ccbe041c5	CN=alice	[]	issued	issued		2DD55D192D13A7EE552C2D8C5B7C50AD2CFC2B	2111909079	MIIBrjCCAVWgAwIBAgITLdVdGS0Tp+5VLC2MW3xQrSz8KzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxOTUyWhcNMzYxMjAzMDkyNDM5WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNwd1WOEfttwXzUUf57gxEc52FBdJgHxrSEtHSRzQIBYha9JD4tcu4aVkpGs6PvjWq34VrJ2Q2UJwuxYTvjmSYKjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBRZDHGeANO4dZzR09aj5vPEOh/QYzAfBgNVHSMEGDAWgBSIxCUQ5jzmd5kZ7YsVPweF2wsGKTATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNHADBEAiAr03hIETgAUrbVmTPlOJ4z/A+W80dm2dEAtwXR/TKvPAIgDi0vYQUnTBlTMwfr6lNr1lojeCuelxii04fOYK0XpwE=
2	1796549093.0789587	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	f3f37ab62934a700d0066420bb7722bde1c1d90960cde6a5d79bcae1869e8f16	879c0864579f7754334425367a9d61cd5b4399274dd31b146aaab09fd0dd8ad8	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796549093.366085	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	9a145575f650031660c427bf31722a331da1c4bfb979856ee2b68798426629f8	ed1c3e55ae07d85ad42a15df4da4c37b3eb8148cb014f82f5cb4a9c82f199c81	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796549093.6151626	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	8e22636d5abcf777b3bfcb05636ec9870a10b03b3be0884168a8de0eefe57fba	fd1b90f34d7eecfb7ab6190a4df5052ae0dd7b875b565d64cf18091f721caf62	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796549105.4561462	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	1e91a4be858a8a106ea056a156799ba8b048573036d07bb3450a824dea32a8d3	fd4cd86fa58eeffafa71f69bb1e5a2fa760b03358aaf72d07d69ec777114639a	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		6EE079020A4E0174685C1B982EE1BF36DADF6F	2111909079	MIICsTCCAlegAwIBAgITbuB5AgpOAXRoXBuYLuG/NtrfbzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkyMDA1WhcNMzYxMjAzMDkyNDM5WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCUl4cH4W/tQpaAsepeGofCnSQU/EKMFyzuoDEeZw9Uy/oFyTFZjyohjv/dhnxlkabBjF5+/rjuTw9bYcf+kvcDZwGp8CJBPENFR7VymqlT2ODmmbxQuvpdFxYu56TThwHsMioIPEQ9FJuiU2wWeW6xk5GOq5Q2CrpyepSUZZxKayCX+oBI7Yv0T+3EDQD+ZmUeLEKTRXpjmgEc7TsNNb5EUhV1cji2hlUH0JWlPMGXqdHdI6OrKHXc5GQzoJneGazJX9QSuuignmKhx2XgF2eYTmjhdAKXzPpA1K9TyAwcVDLhvmaDMGfv54fE2iQOQF5FwHRnpY4Viun2LnASb9pPAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBSPE8zm+GUBcCzYEAfPc/a3I5fwSjAfBgNVHSMEGDAWgBSIxCUQ5jzmd5kZ7YsVPweF2wsGKTATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiBDdCLII5hTzfoOnmClD+YXHHtc9fN8/8uZiQgF3KVIzAIhAK3m4cc3yCoAuJxHps8WNlPXea7ZXs/dPG0tTe3eGZ6c
6	1796549105.6749036	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	aa400a2b2f00e87df6ade472766335f5f673980c67b9b55376792bf70c4f319c	82745bff369049038363b359fd97b08b79b262c43ce5c8f457ee545ea692c656	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.003620862960815	1796549105.6292453
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial, claimed_at) FROM stdin;
3	1796549093.6211586	held	simpleenroll	basic:dev-pending	fd1b90f34d7eecfb7ab6190a4df5052ae0dd7b875b565d64cf18091f721caf62	CN=dev-pending	[]	MIHQMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATUuYoTU44zVJnzVBtGAw406YY8pB+GU9689E+J7/cA5vHMUPBsjZ15U6PIrPodH4f0oqT/YNI1p2fT3i7iZp/qoAAwCgYIKoZIzj0EAwIDSAAwRQIgPKSvtftF13bMmn45V4oNsuWuvc4cQSoOQEWlN1yQYCgCIQCWlxen0bJ2PtpMDG+qCuSLALB2RGy4uDHO75gi77zKDA==	pending			\N	\N	\N
1	1796549093.087643	held	simpleenroll	basic:dev-rejected	879c0864579f7754334425367a9d61cd5b4399274dd31b146aaab09fd0dd8ad8	CN=dev-rejected	[]	MIHSMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9mylvm8WMHQ5FP4gGjnERzoazlJf4oUyVeD5WQ2MopqtYr36KoyQ8XU7QNgD9QUn5iilYAKQFXe5OPXYwwn/16AAMAoGCCqGSM49BAMCA0kAMEYCIQDRt8J9GPhXZmTbByl/V/E+PDJ4sB1AanvbjivhBDNc+AIhALoCXB7G9jsFs364ztDCx4lmHALK0VUIIsn0zql4X/P9	rejected	not one of ours	operator	1796549095.3855512	\N	\N
2	1796549093.366943	held	simpleenroll	basic:dev-approved	ed1c3e55ae07d85ad42a15df4da4c37b3eb8148cb014f82f5cb4a9c82f199c81	CN=dev-approved	[]	MIHSMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1mzaBf19O4YC17d9kC7sc7GVBpI+VTTZkVqTC1RRySwGpvJimF2Dt+trsFAzUtEWLXPmsRl2INb244E4jM0lE6AAMAoGCCqGSM49BAMCA0kAMEYCIQCnsWO7L6FC7fPb395M8ZVe4eXRlxz0eu0cy7SEEk1T9QIhALJF0JIObt2Y2HVXVWIWIoJpdos5iNemP0ydbVXYQMgr	approved		operator	1796549098.2755628	\N	\N
4	1796549105.6923254	held	scep-pkcsreq	scep-static:held:	82745bff369049038363b359fd97b08b79b262c43ce5c8f457ee545ea692c656	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAL8B5Hr2hClL3LoXd2mcGPH2oWVZtsviKlbUFFInJ05Zt6Oq3Am2UZBiWIKFdY37+gL//A4uQ7+VIY8E9rv8TYYgW1E+/qqffcvS4l0va7NVtmqdNQjfBQI6ZinBFcd03RrwBdZ0VKJpUUdc1jXoCTFpgd2hr6G+NkvHMmIFHtMqMl0zMR/8IhzOOJc/abNf5h5/+pcQa5RyHGUBdZVZtzPWDSPRaATk44yI1Jwpk/8CfvdoIxXwC4X7ty1Iit1QsyoroimIWkuQFYwQURIFMVciRQDJW5FBwL9e68sFZnTO2v6fuVse4csJIaDzDwAseQ3pAcYd0QJviMWH+4OC4HsCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQAmr9RhejrjE9/sbsu6QGakta6TI8fgVyd7ohbC+QnSXAENvDqGxrZ33zEav4Dz+jHXN+ACvBRWbaE9uR5Ezu+vptTG/WwFMX9/Xc9VihuL1rUHyhACZ7Vf4laEVjtGimVvB1Gvmz8gmMI3ZJToJ76CNb2TinUiXn2T250IIV1lY5BbssqLBWJTYR9tIVYpaHLsdHhaHtrwQM/E2xWejQnerw33m/SdKYbpYzBlfirzn+GbesvKLPzK3DIKwCPENlXHIojedtj6tuq5oGDUsClHCO0NAbzCFUZ9Q7PjTwLAiOnGRN5AkajAvSUtn0X/PKVJuv6OrDGS/ujEjUHtoY/m	pending			\N	\N	\N
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
034a2c27cd68afebba386128dc7202e2	1796549105.4484813	f542f510aea822917ad7800ff2ee2896922a9a1f1cca567fa844506797346a5a	begun
5596aff010fa95a7b40ac7c8a87c0638	1796549105.6580544	58b4210c9deab1ae1417a90f8d31793d32ed9ba32857e3c53e5c5dc314906c6e	begun
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	SxA1bLB6cXGEFsxMnT+uk7BYHOQ=	fd4cd86fa58eeffafa71f69bb1e5a2fa760b03358aaf72d07d69ec777114639a	1796549105.4484813	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAlJeHB+Fv7UKWgLHqXhqHwp0kFPxCjBcs7qAxHmcPVMv6BckxWY8qIY7/3YZ8ZZGmwYxefv647k8PW2HH/pL3A2cBqfAiQTxDRUe1cpqpU9jg5pm8ULr6XRcWLuek04cB7DIqCDxEPRSbolNsFnlusZORjquUNgq6cnqUlGWcSmsgl/qASO2L9E/txA0A/mZlHixCk0V6Y5oBHO07DTW+RFIVdXI4toZVB9CVpTzBl6nR3SOjqyh13ORkM6CZ3hmsyV/UErrooJ5iocdl4BdnmE5o4XQCl8z6QNSvU8gMHFQy4b5mgzBn7+eHxNokDkBeRcB0Z6WOFYrp9i5wEm/aTwIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAHNUklQIwriN+rsBO/DVO66mgT6/7hD9m3QcxJs9zeqsljnqWW2RhLqOW5kU/GMSt5UB2sETyQRDhwL4t7ggMQj4WUeVpn8/Uqgi5PXr3SAjLj9eQQXix1DchUTzV0m84BUlk7Ce2PrvPkXC16BH/W7s/hBRcEIfZmn2PBVJA7oZt5Lyrlfua5ghfBkGPRO6M3dIvqXSlLSlr/V3/h46SFahM5yEYRT5GBwgo3GHhZa/J7FuyODJSOCNOl/wthOn6ncIuCSjXSZrDvq5I7FKgZB70Zvfzibkdt8neOmbcsMHr+LrGP75f37h1X3lGHotJWwhIMDe4+82RGRg27aOD/M=	6EE079020A4E0174685C1B982EE1BF36DADF6F
held	j4KAWf3AdE5ugEaN3WGXLtgoo+U=	82745bff369049038363b359fd97b08b79b262c43ce5c8f457ee545ea692c656	1796549105.6580544	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAL8B5Hr2hClL3LoXd2mcGPH2oWVZtsviKlbUFFInJ05Zt6Oq3Am2UZBiWIKFdY37+gL//A4uQ7+VIY8E9rv8TYYgW1E+/qqffcvS4l0va7NVtmqdNQjfBQI6ZinBFcd03RrwBdZ0VKJpUUdc1jXoCTFpgd2hr6G+NkvHMmIFHtMqMl0zMR/8IhzOOJc/abNf5h5/+pcQa5RyHGUBdZVZtzPWDSPRaATk44yI1Jwpk/8CfvdoIxXwC4X7ty1Iit1QsyoroimIWkuQFYwQURIFMVciRQDJW5FBwL9e68sFZnTO2v6fuVse4csJIaDzDwAseQ3pAcYd0QJviMWH+4OC4HsCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQAmr9RhejrjE9/sbsu6QGakta6TI8fgVyd7ohbC+QnSXAENvDqGxrZ33zEav4Dz+jHXN+ACvBRWbaE9uR5Ezu+vptTG/WwFMX9/Xc9VihuL1rUHyhACZ7Vf4laEVjtGimVvB1Gvmz8gmMI3ZJToJ76CNb2TinUiXn2T250IIV1lY5BbssqLBWJTYR9tIVYpaHLsdHhaHtrwQM/E2xWejQnerw33m/SdKYbpYzBlfirzn+GbesvKLPzK3DIKwCPENlXHIojedtj6tuq5oGDUsClHCO0NAbzCFUZ9Q7PjTwLAiOnGRN5AkajAvSUtn0X/PKVJuv6OrDGS/ujEjUHtoY/m	\N
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
-- PostgreSQL database dump complete
--

\unrestrict 0b5csZxtUx6NbNgpGJeHxFYkx51PCINHI2lnmkcaBi3p5UsguteFsby4ohC6UJm

