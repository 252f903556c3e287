--
-- PostgreSQL database dump
--

\restrict 8SyhhPnALlPfVLX8PJSPVDcpbXkCXQOL0fnrW0WmTlk17hztnqtribQBbpF8zwj

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
-- Data for Name: audit; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit (id, at, kind, identity, detail) FROM stdin;
1	1796548664.0516007	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796548664.719578	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796548666.423622	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
\.


--
-- Data for Name: codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.codes (id, code_sha256, identity, created, expires, used_at, used_by, revoked) FROM stdin;
1	61591e7a45f6554cc09943f308b7ddbd6dac9a59d667c4f19aa3eb2375efae3f	basic:carol	1796548666.4115374	2111908666.4115374	\N		0
\.


--
-- Data for Name: enrollments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.enrollments (id, at, identity, method, peer, label, operation, csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, not_after, certificate) FROM stdin;
1	1796548661.9026575	basic:alice	basic	127.0.0.1	default	simpleenroll	41536cf610dcc6cfb1d7311fe9913401671b2285ca9d6252c6f7c76fb3940c57	fc31c3f7073b8821943be5cd4ee2eaabc6e111a0c24ed688ab3e9ae62c69b471	CN=alice	[]	issued	issued		62D78940249CCF9F55D6C87397C8D4D3C62975	2111908654	MIIBrzCCAVWgAwIBAgITYteJQCScz59V1shzl8jU08YpdTAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxMjQxWhcNMzYxMjAzMDkxNzM0WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOvNodiSNuLv8xy3abHqICAym6+qCr+INJyR37wcvqtusAjtZb0O5ygBi+UARqUAtb0rZVYzSNbqgbA5PvC+a2ijdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBQqtEFjHD+QtOXtZbbP8hzgcFBCazAfBgNVHSMEGDAWgBQI5nxjkvH746Cmyn+yqhZT0kErHjATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiEAp2l6rysQGlocm45GY0W5zobJDC+I/7iFAKeO17Ad/ywCIE/RyyVj7C8Y0u/WNw+7IIiqUjCsg3RwFNMT4UloSmmE
2	1796548662.1627548	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	3711d9e0c446cc820bfc5b9664ab8bba940b283a2504bc1c133e4fbf84343e01	efb07a6529820564d6020e7fb83e332d6da9413bf0fca09202d719e74b02f0c4	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796548662.4400163	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	26229f22cc3d8fdefc43e999bc0217c8f21a99094fafc7cf815c2bd2d1c0bc69	65528ba1e51ad33a4c50248ff8f2872d909fe9ac20b67aac49ef4174f7091e3e	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796548662.7961617	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	8924504a263a87d0d8c1c248fbb5255ff23c5726ab8801260f5f162d84ae9dcd	8f51e8ff3d02dfb3ad57914d16ca30d4154f3150662829d1e253f1248d176359	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796548666.852715	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	0b26bb69998b83c4c0016ab23661e8d4295b352ac57295a9c09e86780cf6d9f7	bfe7bb29a7c6fd95a340df34cca5b7e0f68810bd4b12fede05f5aa7bc66c169b	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		7398E8427438BDDE230B3C8990FDBB987A60A5	2111908654	MIICsDCCAlegAwIBAgITc5joQnQ4vd4jCzyJkP27mHpgpTAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxMjQ2WhcNMzYxMjAzMDkxNzM0WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCRb14Dw7FTPbKSDcReO4/PsGS23uChlL9A0iEvz5NTHnlMhgOKdImhsLtkMvIeadvP4GQFDakbgUbEDybk/h0++3us+XH7xtx/WDpE5nxA7edJ2Tvh7hBLo8eAoqOjzYRudg4c5xRjGq7icNzQy/l2abZLePzJRAOO/c9gQcLAcet1JSdkpPSj2NnfRdLVIgRCucrxPko/6L5Su6/o6nKtCGudig7ZU2DZSUSjHcN/c3JKPu+Iy7J0ZFU52TlqTAVbso0SRFDGqVH0nhE4dFevR779t5MXxPBVkhPbEaoIOBoblRLcKDNOdZHwasctYyJZG2KaY/RyZgX97pq3Oh+RAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBQfZfxkcEmcaLEO8dQWjEd/TnnMNTAfBgNVHSMEGDAWgBQI5nxjkvH746Cmyn+yqhZT0kErHjATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNHADBEAiBAaL/GJNhDC2h/YQH/gRUfUr8IxMGBFM3NmxXpwUOagQIgf0XECBcsSPIsTlleY0gDY5gnetdNPxrZzDb+faQW3kQ=
6	1796548666.9677668	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	ed3195158b7625e5289d3e03c93c3783ea5c5ba5afe5255c279d8c2d9eb76e48	4b44059c90f727501a05b544dedc038cb69403dbdbd87dbc2d8502c14ed4a06c	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial) FROM stdin;
3	1796548662.7988646	held	simpleenroll	basic:dev-pending	8f51e8ff3d02dfb3ad57914d16ca30d4154f3150662829d1e253f1248d176359	CN=dev-pending	[]	MIHPMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARzMFJCSAjifi8cNh78RPtEbuQoUbfJuIw3AmOi8Fts34FWfyWs2vjykns80pbvLWMhR25xngO/O7ZYh4V910zVoAAwCgYIKoZIzj0EAwIDRwAwRAIgcGysoalax+Z4UIMyM/dnXUsmaFkp6KxvXQeiGGMUrvQCIAxWBJkJeGfgaeXa5azXFY6XlYUkUasIgZJ0XFN5BqMD	pending			\N	\N
1	1796548662.1719701	held	simpleenroll	basic:dev-rejected	efb07a6529820564d6020e7fb83e332d6da9413bf0fca09202d719e74b02f0c4	CN=dev-rejected	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHmz7PSzdnNbKqrLTtCX00xpbbwp2Kg73+4AF5WBBdJXk+MY/+229k1YlRU/3typk81511qrA9jI2wzm6lODLsKAAMAoGCCqGSM49BAMCA0cAMEQCICGZw9p/vZsQ8/2ZvqBLzSMHs6tfIi2OaxxWmW1wBrh0AiADyH+0Yu/auxqmDeKypd4x0r5uU7DwudRa+m2wAlpP5Q==	rejected	not one of ours	operator	1796548664.0486124	\N
2	1796548662.444266	held	simpleenroll	basic:dev-approved	65528ba1e51ad33a4c50248ff8f2872d909fe9ac20b67aac49ef4174f7091e3e	CN=dev-approved	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEGjXGUnqaZIvAuR8EKvw66fwJiw4XuG3ybEtFO8C5AramcNJo1K6tONyRiEBvlIyrbfs0ibmjfgBUH4PQHaWg5qAAMAoGCCqGSM49BAMCA0gAMEUCIEBFh5uO829LgcKMffo0Dtokr5gscdUPAjCwOTuGddl7AiEA7pMddS/btpR9kSulE9KaAVOEGS1M9cWhAN4MHG9Rt7o=	approved		operator	1796548664.7123737	\N
4	1796548666.9796286	held	scep-pkcsreq	scep-static:held:	4b44059c90f727501a05b544dedc038cb69403dbdbd87dbc2d8502c14ed4a06c	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAK+JlOB5CDANeKEtiUIyHBb7dGIInZKR5bCGUGSP3zI0fRu1BWVEb2GzQVuHLT+xxqcmaGPAVtAAYY3Ce5t7zQ6RG0XiV/s2MPh4R5uUfi/GDqiHEWi3RqwK8hYzqolWK+yaY/EY/7VPt94eczZDpPhq1Pnq5LYvsgmvQDKON3NpPx7A2Ru1HpfxXEBGSvxBeypfkX/RTlhQkJb0YhyH0Jqrv25foXXQAX1E5Pgt+8VDMaJ/t9MEvqgRTFOL0SXuN3/wxOm6GGMehkQI8/Rtn0f4Qz+soLufKA0HP/ScTjJ/OVnHBzIacI5N3TOWdc740+mAFDCVGIxXuIfLcg27qmkCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBZCcLtFk9KxsZLd4fO2ao5+SqcMqAkgFIo68oAGHkBFbHG1uMzuqI8PHNWfTgrKEQ7oMViq32avpDgcdCNkLk4X2LYw1ldKDP/XW+RQ/uWvz3YE7oWAGU6HIx+mOUkJCSMYpMIbh4+InqAOFCAe0ZQY57vfeZSRaOOuBFP7j8lP+pWSyxN6Jq3QbFQ7ftz2JsK3kgkyA5/gVfheAF1QtMoQdqH5vHyJXijsqZvtSs8FJATDh47b22POchdUpbC/OROYaHLB0dfiHvhu7CAyCKiDF1hgb9ewyObwh/iyx3NybxzxvNbvnAzbiDoFQ7Si2e53KjPF4Ex6Yp1uxnXjicn	pending			\N	\N
\.


--
-- Data for Name: rate_counters; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.rate_counters (bucket, window_start, hits) FROM stdin;
\.


--
-- Data for Name: scep_nonces; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_nonces (nonce, at) FROM stdin;
baf0810dd8aba463a4b719a51c0403fe	1796548666.8371024
33fda6990c116b5d7ecaaeb6687448b7	1796548666.889169
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	FQ47X3BZPH48TlvXgHypTJKbbXc=	bfe7bb29a7c6fd95a340df34cca5b7e0f68810bd4b12fede05f5aa7bc66c169b	1796548666.8511539	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkW9eA8OxUz2ykg3EXjuPz7Bktt7goZS/QNIhL8+TUx55TIYDinSJobC7ZDLyHmnbz+BkBQ2pG4FGxA8m5P4dPvt7rPlx+8bcf1g6ROZ8QO3nSdk74e4QS6PHgKKjo82EbnYOHOcUYxqu4nDc0Mv5dmm2S3j8yUQDjv3PYEHCwHHrdSUnZKT0o9jZ30XS1SIEQrnK8T5KP+i+Uruv6OpyrQhrnYoO2VNg2UlEox3Df3NySj7viMuydGRVOdk5akwFW7KNEkRQxqlR9J4ROHRXr0e+/beTF8TwVZIT2xGqCDgaG5US3CgzTnWR8GrHLWMiWRtimmP0cmYF/e6atzofkQIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAGNUFwjMhelKwjL+chpHp/nAjpAK8W1XEIMfX4cetEuKhOEHQ+E3tXlO1fTnkgnvzmCpPXuyp7RbcRsFrWvyKpddYhTCKznB3EULTWYCqXs68h0lkBDlEm0a9Y8QCCswSvH3hA6r0gXlw1pLfp4L8nAZ+FS2wqRplbBv6d37l7pbbAFxVvJpSCphy4cPSY+3Ty6FpyKPbl/965fPiwW9CQ3TI399Mb9vE3XWk5vnjQTf69leaDMtTS+oD+0k2Xp4S8wqmh2biDzStToOAo3R4SdSWLr0hh56hwnUon/Fnl2m3fnhn4f2wxiZEtsb1tkEezVmb39jv69Ie8zsOzAT+M4=	7398E8427438BDDE230B3C8990FDBB987A60A5
held	lXhRP5q53gfAocHPNPThyAE/N/I=	4b44059c90f727501a05b544dedc038cb69403dbdbd87dbc2d8502c14ed4a06c	1796548666.952234	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAK+JlOB5CDANeKEtiUIyHBb7dGIInZKR5bCGUGSP3zI0fRu1BWVEb2GzQVuHLT+xxqcmaGPAVtAAYY3Ce5t7zQ6RG0XiV/s2MPh4R5uUfi/GDqiHEWi3RqwK8hYzqolWK+yaY/EY/7VPt94eczZDpPhq1Pnq5LYvsgmvQDKON3NpPx7A2Ru1HpfxXEBGSvxBeypfkX/RTlhQkJb0YhyH0Jqrv25foXXQAX1E5Pgt+8VDMaJ/t9MEvqgRTFOL0SXuN3/wxOm6GGMehkQI8/Rtn0f4Qz+soLufKA0HP/ScTjJ/OVnHBzIacI5N3TOWdc740+mAFDCVGIxXuIfLcg27qmkCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBZCcLtFk9KxsZLd4fO2ao5+SqcMqAkgFIo68oAGHkBFbHG1uMzuqI8PHNWfTgrKEQ7oMViq32avpDgcdCNkLk4X2LYw1ldKDP/XW+RQ/uWvz3YE7oWAGU6HIx+mOUkJCSMYpMIbh4+InqAOFCAe0ZQY57vfeZSRaOOuBFP7j8lP+pWSyxN6Jq3QbFQ7ftz2JsK3kgkyA5/gVfheAF1QtMoQdqH5vHyJXijsqZvtSs8FJATDh47b22POchdUpbC/OROYaHLB0dfiHvhu7CAyCKiDF1hgb9ewyObwh/iyx3NybxzxvNbvnAzbiDoFQ7Si2e53KjPF4Ex6Yp1uxnXjicn	\N
\.


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.schema_version (version) FROM stdin;
1
2
3
4
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
-- Name: scep_transactions_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX scep_transactions_serial ON public.scep_transactions USING btree (serial, signer_sha256);


--
-- PostgreSQL database dump complete
--

\unrestrict 8SyhhPnALlPfVLX8PJSPVDcpbXkCXQOL0fnrW0WmTlk17hztnqtribQBbpF8zwj

