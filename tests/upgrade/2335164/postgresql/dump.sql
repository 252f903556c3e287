--
-- PostgreSQL database dump
--

\restrict Nmgod2sM6mfe6C4YOdoYvC2E2rPqcMUhk3CEadJjHqjiAet6bH1ywKoQtj4vCFj

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
1	1796548982.4715374	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796548984.133732	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796548987.2435315	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
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
1	1b2ac92a0b594a9ce6d93d010ef4f706eccb96989714020aa659e13c44569abc	basic:carol	1796548987.231519	2111908987.231519	\N		0
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
1	1796548980.096865	basic:alice	basic	127.0.0.1	default	simpleenroll	be585d3e018c3a794e959f0bd223888e92cde9b16f45f165e9626dd2fa07806e	861a6f63d5e6fc4aa330426739bfffbc81454102ff3124c207b46c22a3e80b3e	CN=alice	[]	issued	issued		6496F884496C087703F00DBA75CEFCCF6E6BCD	2111908965	MIIBrzCCAVWgAwIBAgITZJb4hElsCHcD8A26dc78z25rzTAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxODAwWhcNMzYxMjAzMDkyMjQ1WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKtfcugyBStB65w6AP7RtzZqtIXrA4QJrlGKdW35uFLeTMhMXRSonxBI3rmROthVW9eWfLKYZg65dvF1nkykH/SjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBSstIKtBzXsoX5d/DCFW2vF3BglMjAfBgNVHSMEGDAWgBRQQvhuki4T2UnDj1X3K5iUu+xMUzATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiBKO/WFjfBYQ3qSchoxGgdqDkkGDg9VWpNRsvaI7YqVHAIhAJ5It2RQjRx7C475lCuBnOyGtl/O6LYoA+nLoy44+oCw
2	1796548980.584787	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	ed1cbab8bd92fb0d017c02cef9e34851b83ec4371403541341f7a18775197df6	d1fea560e04df9a3162a15f61d98d9f08fa4239a22a9110fac99549bdac42bd8	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796548980.8725452	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	d52548a377c9a8835941085759ece23efdfe5d571d330317c3bf51537693865f	a594e9a90084e142c23e8104376a9d7f34bbc6f63ea4df2703de46d1993dd3bd	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796548981.2006955	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	cf28d593922c14f7d4d427786d7564fa0c2eff8ce78e305a37f2dfbb3733c614	91008cfd6ba162dc6573993845f655e19ff1b0fc5658308bb22d5cc1ff008c7b	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796548987.8779857	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	412fab8b670b2d119f9aabab1c28db603f01ec5ef9dc45ff7c0c9048d8f79b12	e671f55ec5d4ae528379ea68bc643415788f2ff335f4ef44bcffcd57bfdfebf4	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		2892971DD94930026076769510B71459B87D3D	2111908965	MIICsTCCAlegAwIBAgITKJKXHdlJMAJgdnaVELcUWbh9PTAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxODA3WhcNMzYxMjAzMDkyMjQ1WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQD2AtnytER13idF5HZ+D7aeJ6ZGXOqLjoIC6YAFuJmTiuDSGvlVf7S3duqNEE3FKVDIWmvFY3djnm6eWTAhTIYu0ITpz2CIAQuHdcy/S5VJLr5IqpqXAyAEkNcDDsqSoiJwNeId+7Bo8JMAOEf4vpmOm7CbJywIJXwwwJU7dZpqg0PhGFDksJQ6VNnJD3NKZKdB/BmPvjjT5RGG6lebLEdLD/Mw1m4Lmcdws7iPRJPXlnKb2v6PNbSTZSsOlQ0eKKYyPkMAlEimqva7Ar5Z+GlX4RZH99aKUln5QytQBs3aGWlknptdZeYwKn6X/JUX7JAvwB1FrGpwglpkGlWY4zSbAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBSRpYLN0J0VtKZFaukgWdZu+Bv8DDAfBgNVHSMEGDAWgBRQQvhuki4T2UnDj1X3K5iUu+xMUzATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiBSaJJmLMrDris9icJX2jYXhLKBeehoBGrvuR0h7vm/2QIhAM0Y/YLc9vDaU34k0dcA77AIwtt8TSUWhbdR3v9XBXqn
6	1796548987.9277208	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	ebd8751aff4ac28bb944a887f2308bffb5f63fbb821022e00f91a5340281b884	44473b06fbaa3334f96d83d6ad9dc254d9ea5088ab84a50eb7ff52f8adc093a2	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.000376303990683	1796548987.91548
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial, claimed_at) FROM stdin;
3	1796548981.2087288	held	simpleenroll	basic:dev-pending	91008cfd6ba162dc6573993845f655e19ff1b0fc5658308bb22d5cc1ff008c7b	CN=dev-pending	[]	MIHPMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASiOcogBwDN2qd8LPmJ4WnEwjHkzDBZMZJrdDCKZfuvAt5Zk6KiQn2IX6uF6nIm91F050adf9HseRD7s3R+K36OoAAwCgYIKoZIzj0EAwIDRwAwRAIgdyCbqCEyUoy5QuSsP6kONciBH4toId0QJBQgzEaWy7ACIHPZU/OoMHvXEBcbfNcyoXh4RmN4PgkuN0U6yQ2eTRR1	pending			\N	\N	\N
1	1796548980.5917022	held	simpleenroll	basic:dev-rejected	d1fea560e04df9a3162a15f61d98d9f08fa4239a22a9110fac99549bdac42bd8	CN=dev-rejected	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAErxT/45Bmf3CrIuWzUH6LUuVnqK1+6QemU8/k8U2wYm97cx9VQlnAZjwp2U1hUWmT7H3IgU404Vqywj+zMVMLiKAAMAoGCCqGSM49BAMCA0gAMEUCIQDyHFJLfkht4W4trbHIVC45R4x7PViLWHPhPh8GHHjX2gIgYyp3iCaXbXrxajdxQ4Am2wF4xFNxw8D8Fj4/C9U0DlM=	rejected	not one of ours	operator	1796548982.4592264	\N	\N
2	1796548980.8836048	held	simpleenroll	basic:dev-approved	a594e9a90084e142c23e8104376a9d7f34bbc6f63ea4df2703de46d1993dd3bd	CN=dev-approved	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEkVmhnhX5LQZ2YX9rlOsWDlwuBy9/pLQxmo49GERWJiiQQdaF6pcXv1HpPp03cS/e6ZHz6sPMFWW4PwwEXYnaiKAAMAoGCCqGSM49BAMCA0gAMEUCIQDpNiNm9jxwOUjz0muyipsrBDyf8qOeYuXX6pkR5yosKwIgd5YenHjfthCByPtvPZtcbLSZW5L4ejvNdZskqkNFWcU=	approved		operator	1796548984.112106	\N	\N
4	1796548987.9284987	held	scep-pkcsreq	scep-static:held:	44473b06fbaa3334f96d83d6ad9dc254d9ea5088ab84a50eb7ff52f8adc093a2	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBALa8baSvINB5Qdir1JI6WbEJdkZOqTOeW+l7k7dHY+1GisaF0hMwvgR+2KBC0zf0VZcOWb8JG+J8rxypQAGCmXDJVXYNUVq3P9GcZ/UTLVCbxh8vmUw3V5CdKWd1xEyZJB7ttAP5bMJHbJwLonmFP8jpW4PwI6p9/HtapxyC5KJzCWMhD3kfrjtFeMsQZa8OKu+oSIGs0TAMUnTohXmyn1Aid2wKHsCajCc/NWjaHV2/hZRyS+MmhKQXOFEEX6MSfdegjygNYWnO/wD9OKcO63jhTAB9wepKjfcQfmLHQyEmkQRw7LH6ivHXJxukfhmnXXq04oGzHPQKVCdBYGkahVMCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQA41cBY1YUwhYegJHsUu+Zt6YiVjGqeCRcXhKzQEPOxrHrcPP3PSnthQZwhFS6wBuRxRDhW8G+yo1ecKKYlLMsqjxJJGbBMYDDnrpUoo5M3lDKweeVIV0Fllcb/v0T4KrocwXReZsm/L7a+YzHQiPFciOpDFHCZJQJKFAoJGhgijlHRZxPHInzhda6X8M5fk192/4v2RrUvvYfthL/Jt80TKwO6dRmqQWObKpS85oCPVh9YJEb42jTaQlVdUmTPqhMaeqCR+Ejr1PLbrG290J3G79WZAGl0aYXUboc/44iPLLzIXq5toOd3RUcu43wQGdMJlE/dhidTBKMNBFNKqxIq	pending			\N	\N	\N
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
ef470b6fe5ec5e7694f62647f95408ab	1796548987.8350437
d0179c34109d76d09e4f6410fb48f3df	1796548987.9093072
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	xxrf4fw6VmYT9INPMqF3m6DGqbA=	e671f55ec5d4ae528379ea68bc643415788f2ff335f4ef44bcffcd57bfdfebf4	1796548987.8763347	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA9gLZ8rREdd4nReR2fg+2niemRlzqi46CAumABbiZk4rg0hr5VX+0t3bqjRBNxSlQyFprxWN3Y55unlkwIUyGLtCE6c9giAELh3XMv0uVSS6+SKqalwMgBJDXAw7KkqIicDXiHfuwaPCTADhH+L6ZjpuwmycsCCV8MMCVO3WaaoND4RhQ5LCUOlTZyQ9zSmSnQfwZj7440+URhupXmyxHSw/zMNZuC5nHcLO4j0ST15Zym9r+jzW0k2UrDpUNHiimMj5DAJRIpqr2uwK+WfhpV+EWR/fWilJZ+UMrUAbN2hlpZJ6bXWXmMCp+l/yVF+yQL8AdRaxqcIJaZBpVmOM0mwIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBACzfFGZETFN3SvrNyUc8YC3QGC6V1Bo4h1weRTMojY1o6HsNJvt4tXYdCGSe8yEQdUP76yZloK5y2GzmyYEUQXZy2sZIEsNXgRF4XRiFd8V7XNG/jeMfcj2YAnaU/WGT8yF/zmZtkpMclhIIZ6M1Kc08KqAey8NYtYTXE72BD3X8zTbZCrLAUh3Ki1ZJ8sO5C2sZaEyqTwSH+bTtRE2LpJu5Wa61DJ2q/1t23fJ+UpXtpjE4TofsTtcwF9dBg2+tygkN+X3cORmHXfpPcA/GsuDZik49lx2c7GvsIrshQM4GRGI/H5GUZ1R/oRisRFVAPPq2T0wHJbdULWDiXy6nMW0=	2892971DD94930026076769510B71459B87D3D
held	A7gTp0MslAf5BvvvgFQ2G7sO+KM=	44473b06fbaa3334f96d83d6ad9dc254d9ea5088ab84a50eb7ff52f8adc093a2	1796548987.9241743	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBALa8baSvINB5Qdir1JI6WbEJdkZOqTOeW+l7k7dHY+1GisaF0hMwvgR+2KBC0zf0VZcOWb8JG+J8rxypQAGCmXDJVXYNUVq3P9GcZ/UTLVCbxh8vmUw3V5CdKWd1xEyZJB7ttAP5bMJHbJwLonmFP8jpW4PwI6p9/HtapxyC5KJzCWMhD3kfrjtFeMsQZa8OKu+oSIGs0TAMUnTohXmyn1Aid2wKHsCajCc/NWjaHV2/hZRyS+MmhKQXOFEEX6MSfdegjygNYWnO/wD9OKcO63jhTAB9wepKjfcQfmLHQyEmkQRw7LH6ivHXJxukfhmnXXq04oGzHPQKVCdBYGkahVMCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQA41cBY1YUwhYegJHsUu+Zt6YiVjGqeCRcXhKzQEPOxrHrcPP3PSnthQZwhFS6wBuRxRDhW8G+yo1ecKKYlLMsqjxJJGbBMYDDnrpUoo5M3lDKweeVIV0Fllcb/v0T4KrocwXReZsm/L7a+YzHQiPFciOpDFHCZJQJKFAoJGhgijlHRZxPHInzhda6X8M5fk192/4v2RrUvvYfthL/Jt80TKwO6dRmqQWObKpS85oCPVh9YJEb42jTaQlVdUmTPqhMaeqCR+Ejr1PLbrG290J3G79WZAGl0aYXUboc/44iPLLzIXq5toOd3RUcu43wQGdMJlE/dhidTBKMNBFNKqxIq	\N
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
-- Name: scep_transactions_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX scep_transactions_serial ON public.scep_transactions USING btree (serial, signer_sha256);


--
-- PostgreSQL database dump complete
--

\unrestrict Nmgod2sM6mfe6C4YOdoYvC2E2rPqcMUhk3CEadJjHqjiAet6bH1ywKoQtj4vCFj

