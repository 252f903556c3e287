--
-- PostgreSQL database dump
--

\restrict JaPZMIzwvgzuoT5l3BrFqjIb8ZeGDMFYIrWbffk227h3iJVGueaxl1BIRVfuZeq

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
1	1796548872.9915674	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796548874.4367895	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796548877.311562	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
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
1	95d86dd3f855c856cef7a290ceb6258bcd964877c48d3c307b0770948cdb6807	basic:carol	1796548877.291559	2111908877.291559	\N		0
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
1	1796548871.4452407	basic:alice	basic	127.0.0.1	default	simpleenroll	a76cb94c30884519ca3e32c62263316290ce0d39865cc23512ca797ffcc5d942	042b85d6292b8f22cac0acb7ed22a853c47cfc715cf02877ea515b6b2f7e558b	CN=alice	[]	issued	issued		19F6EE99172CE80C4BE709A436C321CC880087	2111908865	MIIBrjCCAVWgAwIBAgITGfbumRcs6AxL5wmkNsMhzIgAhzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxNjExWhcNMzYxMjAzMDkyMTA1WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABIdDRgbgfpx4eePZbA8XYS1aU/qbNfB76kIgvYydESPqEZ/vWTCBzIMjVvvc3B4SpD3nvWd9Ed1phl+ML0WtqHCjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBQwFo/NZcTKS+ob+1lRgSNmwThUojAfBgNVHSMEGDAWgBTeGg/8T5LYjwS6JL+f100phFmi3TATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNHADBEAiBsQEXcS4qFCWXzvVbUUIgLuoXnUMu1W8MB6ok7v2z7QwIgHLhMXjVs9In0IHERDv3V30C/y58NU4wm8YneIEYr1hw=
2	1796548871.6290293	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	241e44f369cfa39db245d7aba0360013faadf572427a2fd647b83ab82e2a5060	9807b0fe14ab4a9dda6e60e41e4aa27abb55a300d3336fd478d0b9f974fa14ca	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796548871.8447437	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	2245f849225fc9d8babf4e56f0a37cad21e65a7392f98ab1eab325a614eefaaa	e392c29123b9b1177a2f78cfcbdb253222d06b9148416f8d52045557e818cd84	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796548872.024657	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	6ee642fad0efc6ef0faca8706bb2a7ab56c1147d4cbe5d535bc17d8e0adef6c3	4b9f9b2d7acbbc6468650d58f87a7be83b24b42eeb3abb3738ce54292f32211e	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796548878.0398333	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	7abe408d5feb0a65acef2db903315a641c6ce2298021ec645426eadb169bb630	d4403d2b08f4780c653262d0e2c6c8548cf680502c487a651a3660666f87f5a0	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		6E18D063CCFFE1D39F34E1D9B9CF33C38DFD61	2111908865	MIICsTCCAlegAwIBAgITbhjQY8z/4dOfNOHZuc8zw439YTAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxNjE4WhcNMzYxMjAzMDkyMTA1WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCZdxJYB8iBVa5PgTEVdUJcTjL7VjQvDMWr77bPe6SYj/pcmil6GyoarqIjP4yFuzN8yYgWa21gjMlEvsbjNKCtytFB/fJunXiKF+SCdC1KJk6nRXN4NrP7Q1DxREEtjBpwWkqA7FxRvbN+lR7ck28v7GUisuiI4d7/HivprFTsRieK1GOt6NeNmCzQ1iZmnUxhGGEHRX/ga31nrIn/Y73gWvMJn+cIZKatLshagH+xXJammQxjNUlfqKbc7qUjNGs70k8keedpfo8tPmoqu8+YpDOWq1rAi8UDW1/khL4cjyeKINE3SHTALVRxqhG9Ly0AUVW9nZXN5gYQSGDgyasnAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBRMy8fNTXUCR1ELl67tos+YEBLe3zAfBgNVHSMEGDAWgBTeGg/8T5LYjwS6JL+f100phFmi3TATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiEA0NRGagth+rgEexgNpjDsdi3wWBgectdJQi01IAZEFdoCIDbiMCD+TalgjwHxQahql71ft80fHQD1vQvfRcrOs6lD
6	1796548878.1438196	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	f3080700c32795eee613ce5e5aa62c2ed29ff559e5d2808d7f9cef2bff766b0d	222e01e814b4ccd34b76d8ba8a877ca8972439ddad30a88142b4d444a5790bd8	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.001861333847046	1796548878.1274664
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial) FROM stdin;
3	1796548872.025718	held	simpleenroll	basic:dev-pending	4b9f9b2d7acbbc6468650d58f87a7be83b24b42eeb3abb3738ce54292f32211e	CN=dev-pending	[]	MIHPMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATUNYtXLpr8oGSMoPLZ4BOjfQgs3/DoWwQWss0pPSNht4CJezQfuYMmKDYpKSLVtSQ3hqWfWcAggUXQZJCDhjmBoAAwCgYIKoZIzj0EAwIDRwAwRAIgW/6SHqUrRNKh+17sP1p2u1Bn+ib+Y3CWWwbS60NFBnICICUDw9k6pxqedX4PiIfu720naFZfZsqXg+8cNq+i950i	pending			\N	\N
1	1796548871.639547	held	simpleenroll	basic:dev-rejected	9807b0fe14ab4a9dda6e60e41e4aa27abb55a300d3336fd478d0b9f974fa14ca	CN=dev-rejected	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE5F4UcA95FL0XYrTvOmNyfwx++R/ldfcBOi31F7EiUqBu+iWO2o8z02CNsZLimoUrUjR25KXmxRnMd6sLEURRKaAAMAoGCCqGSM49BAMCA0gAMEUCIEv9Rk6MFMSLafsXIs6vGqQenBb7tNzqLWYLqxkqBMHCAiEAhbO1SvSe3GiTrgouLDjIrEqTAoYMwf9PyDAGa+eLHns=	rejected	not one of ours	operator	1796548872.9856906	\N
2	1796548871.8457956	held	simpleenroll	basic:dev-approved	e392c29123b9b1177a2f78cfcbdb253222d06b9148416f8d52045557e818cd84	CN=dev-approved	[]	MIHSMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQhWcksfYN/5POH1ePAtqlaqHxNbB3i5oxEjkDWJ93HTYJshezK4gYSb/evvmUIsVIHs4LBmbnW088k502FZIhaAAMAoGCCqGSM49BAMCA0kAMEYCIQC3kPIE5NsXBamFrMh4i5eZFUGoAm0zVjsJ+tr2oJ4VtQIhAKLXpG3S+Ckr4O1zAYMRZzOOX1phe9Rxk94NPEOIbUMe	approved		operator	1796548874.435404	\N
4	1796548878.1447597	held	scep-pkcsreq	scep-static:held:	222e01e814b4ccd34b76d8ba8a877ca8972439ddad30a88142b4d444a5790bd8	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAPWap6HzI2UI8LyoPoQ/GoQ5WBg7C1zdTz96YNPaUPw7WblOvSX2FtuTiLjfMFA+qHH3KCDcfyLVTd++2PAeqsjR6rngunOvmfW8zItxiWo+Xv8SCi5bchRh25dRFRvPNmFYjeeH7wg/sajEmrS85ZefSYDxKIUhccJSvS+NWjuFL3Q0tlu8ZIzzdQBGPCHz9sj/WbjRl82XGPyorW6VkFNfB+SujAixGLYBRH14Jce4KJs7Mv8eTTcitiOC7Q6vGmR9ejXpgrnaPQ/H5nikd/ZqPPIeIa76BOTP5deRrFYpDv+w+Brz3XuSBh29KosOCLhgyDs9cz1LzWdauCKY8OcCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQAHkWnfNgH6zlQYzGSAyrR8RRYtqaJb5p0FRXZ5gcYPQ9XvAZAMyRpmvWTEmMxj8SXof5cc74Bpz4NMtL7VwM/RejKXsLoh/FvOHnS+gdFtmbzTIUcDM4c1/zjxJOtkbcqaRhIZgwqq0avygCT8ZhOmU+Ejciwp3r8yoOVbH02x0UkLE3seL7TQ6BsBnJ2mdVy3H57rm73q1PRuWi97pe0fHGA8nu97dAfhwfPnJ8bnVdYuvpiOWKcnIBnJFS/DLPVtyTtpenL5XwHzYi014au+pXs+tjnU8H0dx/m2QuLU7e9J4mudFhthIMhFg/WRvggOO7BlAv3QhSviGsfyMGjS	pending			\N	\N
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
2836d11d5fab9e293bc77a1ca5e7028e	1796548877.978901
08d27b733ff3bb15af58e91bb1b6234f	1796548878.0996168
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	EIpr+Acl/4wAJJ1NYys1ozc23Jg=	d4403d2b08f4780c653262d0e2c6c8548cf680502c487a651a3660666f87f5a0	1796548878.0305433	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmXcSWAfIgVWuT4ExFXVCXE4y+1Y0LwzFq++2z3ukmI/6XJopehsqGq6iIz+MhbszfMmIFmttYIzJRL7G4zSgrcrRQf3ybp14ihfkgnQtSiZOp0VzeDaz+0NQ8URBLYwacFpKgOxcUb2zfpUe3JNvL+xlIrLoiOHe/x4r6axU7EYnitRjrejXjZgs0NYmZp1MYRhhB0V/4Gt9Z6yJ/2O94FrzCZ/nCGSmrS7IWoB/sVyWppkMYzVJX6im3O6lIzRrO9JPJHnnaX6PLT5qKrvPmKQzlqtawIvFA1tf5IS+HI8niiDRN0h0wC1UcaoRvS8tAFFVvZ2VzeYGEEhg4MmrJwIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAINVgKkOwDS5i5InaOn0Ra9C1Tsbb2powZWwR47F1DjMmnTHkpABrG4LC3y/JLgVJFKydU/ulpMQ/v54sUoUHDJ1ForePEgUnXzdMylyYlVg6btZ7mQNq7qclRk9zpSNVEpEijrSgfEMYG/LVPyLBfma1KN79JZJocxLRP6kffxVDvGTvkc7wNShWAKNhW0OMBhWUKTN7ml/ti03TS08EP2tVbuzk9HC9t2rXJQQFFzVPAWTvBl7SRdWoQ0emvcISWdm+T2APrkt/tVDgJTwTtIA4WYeOWhdo+GpuSFrt5QxnrlC/YTUE9JNIRejRfheazJ6O2x9dzB85Ma2TgRY0qk=	6E18D063CCFFE1D39F34E1D9B9CF33C38DFD61
held	RtFTtt/OY74byWBAxuVrP4Ehw1U=	222e01e814b4ccd34b76d8ba8a877ca8972439ddad30a88142b4d444a5790bd8	1796548878.140596	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAPWap6HzI2UI8LyoPoQ/GoQ5WBg7C1zdTz96YNPaUPw7WblOvSX2FtuTiLjfMFA+qHH3KCDcfyLVTd++2PAeqsjR6rngunOvmfW8zItxiWo+Xv8SCi5bchRh25dRFRvPNmFYjeeH7wg/sajEmrS85ZefSYDxKIUhccJSvS+NWjuFL3Q0tlu8ZIzzdQBGPCHz9sj/WbjRl82XGPyorW6VkFNfB+SujAixGLYBRH14Jce4KJs7Mv8eTTcitiOC7Q6vGmR9ejXpgrnaPQ/H5nikd/ZqPPIeIa76BOTP5deRrFYpDv+w+Brz3XuSBh29KosOCLhgyDs9cz1LzWdauCKY8OcCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQAHkWnfNgH6zlQYzGSAyrR8RRYtqaJb5p0FRXZ5gcYPQ9XvAZAMyRpmvWTEmMxj8SXof5cc74Bpz4NMtL7VwM/RejKXsLoh/FvOHnS+gdFtmbzTIUcDM4c1/zjxJOtkbcqaRhIZgwqq0avygCT8ZhOmU+Ejciwp3r8yoOVbH02x0UkLE3seL7TQ6BsBnJ2mdVy3H57rm73q1PRuWi97pe0fHGA8nu97dAfhwfPnJ8bnVdYuvpiOWKcnIBnJFS/DLPVtyTtpenL5XwHzYi014au+pXs+tjnU8H0dx/m2QuLU7e9J4mudFhthIMhFg/WRvggOO7BlAv3QhSviGsfyMGjS	\N
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

\unrestrict JaPZMIzwvgzuoT5l3BrFqjIb8ZeGDMFYIrWbffk227h3iJVGueaxl1BIRVfuZeq

