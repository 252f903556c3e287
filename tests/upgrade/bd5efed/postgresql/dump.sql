--
-- PostgreSQL database dump
--

\restrict LfJwC5Xg0WKC8e8hdKmWXsOofnDBfdnIL8afY1wc6BcujoXExBIlEdF3AspWnP3

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
1	1796548586.1961117	rejected	operator	{"pending": 1, "reason": "not one of ours"}
2	1796548586.8563101	approved	operator	{"pending": 2, "reason": ""}
3	1796548587.5913713	code-issued	carol	{"code": 1, "ttl": 315360000}
\.


--
-- Data for Name: codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.codes (id, code_sha256, identity, created, expires, used_at, used_by, revoked) FROM stdin;
1	e20c90dae2f70e2b956457c87f106d688444d29da408e78ad1eff2135e3bb19d	carol	1796548587.5830836	2111908587.5830836	\N		0
\.


--
-- Data for Name: enrollments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.enrollments (id, at, identity, method, peer, label, operation, csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, not_after, certificate) FROM stdin;
1	1796548585.2583	alice	basic	127.0.0.1	default	simpleenroll	7ccdde7af7e386556dc5874a4120f4bb397df9523af7fc4f459cdfeb6e98dde3	49b623fbc217ef926a6a6526922b8094ff7d5d73c8e9771067d5bf802561b9cf	CN=alice	[]	issued	issued		1cb029b8725b633a7e0bb197a3fb8fbb71ce7f	2111908581	MIIBsDCCAVWgAwIBAgITHLApuHJbYzp+C7GXo/uPu3HOfzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxMTI1WhcNMzYxMjAzMDkxNjIxWjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABAjw+W29wmoPFsMNy2Le5K2afmVn3gyIcfMbB5x/+gG9fhd1huInJap4r9ocp3Jc1uqFrrZ2m2J7TVsAM4+OC3OjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBTRMmQo8zcNi7q+ZtCqoHnc5+GwvzAfBgNVHSMEGDAWgBQJN85BiCuIZK4r8WLFtB4IusoLJzATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNJADBGAiEArN70B+FfVfcSkOeajAdMplpfJgfkWkvuLyMH2cPuLjoCIQCgUoaRsfbtmDHJPF6iSUR/D5uYFr+ophCV2y6C9Ajwtw==
2	1796548585.3619914	dev-rejected	basic	127.0.0.1	held	simpleenroll	3c4a0fe1a673aa842e27640349c9e2c0b59ce669d495e516d146b7e8c4c0fd36	745a508fc5772c275a475e4a708a624f5b2c473ef6b24f714b33f33b7a9c9ca5	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796548585.471019	dev-approved	basic	127.0.0.1	held	simpleenroll	00241e673ca33da8e3c4e63c7fa7aaf70f9e3302be5893a26eaeaa098360f684	a863f0c38aa7166f0a8d7411372f6f716c82cb2c0e850b3c433afb3c5e632d2d	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796548585.585648	dev-pending	basic	127.0.0.1	held	simpleenroll	a25b49c266d7f0f251c77d4e5033fdef2791c8d4b68bc3814d43a93f64c7b439	971d13de90f0ee7524f6acc237f1e12f64cf6987e0ded96abd878517588bd382	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796548588.1030462	scep-issued	scep-static	127.0.0.1	default	scep-pkcsreq	139a8e279e335e61c3f1ba635cbade257abc664a7a350e694f0fcf580d35ed03	ff1708ac66ab092e10751da8c042b7f628a2d8dafd68778574cfdbef8605ba92	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		69e15a02b219fe29369b5c02ddf6676a51bbb7	2111908581	MIICsTCCAlegAwIBAgITaeFaArIZ/ik2m1wC3fZnalG7tzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxMTI4WhcNMzYxMjAzMDkxNjIxWjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQC9jIy8v9Ajsmk1FXG+XhBexfpXrHLdnp2KZD/yywTUE3sAaeqOjiqETG5PlYRH703SDH+JIYjIJOO1+7poy9Q9jXjzHRpSDTmY7JnKnC6HD5kRT44sUBFs+IMyHwjKsJ3PjondTdBWlNKz0hVbHbnoxmgpzoxLf8UsCvaEmGbMfqSzlCsqFikcdwO2z0qRF7dICRLQN67pzCo8UHZQZ3nqm9yaajP+IQQyIDhlwrwQITXQagDXwvs6RoU4vbHJgV7MEYvc+VIPi2V928c4anwNY8Kdg+ekPniqlc0CjJvDa85NYuveSyevke5C5Sqo2suUEgACedVhOKCvJUzcpMuLAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBTyth0bqa6n1iFiV7Q0qdb+Uxg8TTAfBgNVHSMEGDAWgBQJN85BiCuIZK4r8WLFtB4IusoLJzATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiANYP+Z5ByYmJk6l6Gpuy3so7olNcINlnDnORPE4wP3rQIhAIeOpQMImJjHxMMFRb+eSAYkB5PzBNCpVD5sgPyj+C/w
6	1796548588.1395922	scep-held	scep-static	127.0.0.1	held	scep-pkcsreq	5e67865e9bb8a9b239974c5ed6c66352319faff818d58e3c9330dcba1868e3b8	516c44e2900310e442e3b61266279aaaa64deef8e04673336c57885cb9c0ec75	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial) FROM stdin;
3	1796548585.5883164	held	simpleenroll	dev-pending	971d13de90f0ee7524f6acc237f1e12f64cf6987e0ded96abd878517588bd382	CN=dev-pending	[]	MIHQMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARbhUNQA16R/GjviHghedQFcwI5GSaUAiPsA+An6oOd5rUAW8Yv/QLdHnK68XiZFegN+OxTZAec3+xff+V3C1y1oAAwCgYIKoZIzj0EAwIDSAAwRQIgPvLhxpcO9pjF6FtYhcCekIyR3+l1oKbL/3jIjCnxpwMCIQDEL3UdauaIPzcSxdLcvRFCP/50tD3rXj0tQPuHQzYMRA==	pending			\N	\N
1	1796548585.364276	held	simpleenroll	dev-rejected	745a508fc5772c275a475e4a708a624f5b2c473ef6b24f714b33f33b7a9c9ca5	CN=dev-rejected	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhAd2PY7Vc5SiTf+uyHgXZ/W/jJLTWHSEtz1w9xq1zRKRdTmgJWOxTLtKOwOhKkP5CtQlmhJ6TW1WJzEmQl6uoqAAMAoGCCqGSM49BAMCA0cAMEQCIFJ+idTbv3soBDiYk2FSQtOBTlqC+nIBp4FthY8pgn0ZAiBjQgA3TTjAP+4moXFz3AaFVSp+NZUs9VL05T3tuHoZYg==	rejected	not one of ours	operator	1796548586.1880107	\N
2	1796548585.4728754	held	simpleenroll	dev-approved	a863f0c38aa7166f0a8d7411372f6f716c82cb2c0e850b3c433afb3c5e632d2d	CN=dev-approved	[]	MIHSMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEMaTWHAIkpr4J1q78yU4FvyaXFqAW72Spuxz+brgR/uh8GYDZpTXmcQ9QjBp8oxXly2qXBKbWjOxwikRXBRUz2qAAMAoGCCqGSM49BAMCA0kAMEYCIQDp1CiEsOl1mqtg5Nf/H9nstrMz0ZD/4supUhQh+CFBQAIhAOREbMBn8Ocmvnm0GgpqdSkiiF931wkOYMTHjsfQgrKQ	approved		operator	1796548586.8436072	\N
4	1796548588.1436844	held	scep-pkcsreq	scep-held	516c44e2900310e442e3b61266279aaaa64deef8e04673336c57885cb9c0ec75	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICoTCCAYkCAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAJmFR/y0yYNsxkoFJ75k8HDiML8jcAnAHsCydXoUIamrwmh0SCwxE5pzki8Zq1wYgAUkc4SIbZp24G9yXYg+h3jxmMX+fHX6N4Ogk8ilDGND/cyHl+YwmYCtZt+FvP/efMIl5De8f4vmB776vsdCpquSQ0TSvPCIo49cNC06l+lnKr9NT0J2TYI6D6EobfonY/Wj1RqCoijuxspRLQd7GsjLu5pN+8xyHG4Coykhc7G73QwDGf09zD5vdF8JOrfULmnmTdvPAM/vMK9SMjhDm3svsWqDj9YLWKEuHQye2ZY+DKI31sEzXjrIxxDAUjiUkAdcSxI+AGtuktuzyKBRqy8CAwEAAaAXMBUGCSqGSIb3DQEJBzEIEwZzZXNhbWUwDQYJKoZIhvcNAQELBQADggEBAJNmUZ+QtC/9WycJpUJgtPIc9NL5x3ER3NHO7TYNxhoje41EuU+RVIFPYVd7graMXaZ6LCi0wqXwydBW/cm8J9my7xzIeyCcKIrwtTsIWOXAyGaHHXHl68d/PWn/Fc4ZSFzdPe9ZiCYhDagH+phLwzzzbmPfj89mRzgSZCjZWeYIvKmL/pbSRoDFbAPVi4HKJdt4nhsrpQdBVg08ZmjooSP4osI96IC4OhwwvunzqOGF28QJjcz/1lceu8GPkwSqBcEv2gCAK7Zx4W1UUacKf1Id9sOK7z0nz7FeHRM7BaFFz+v0GIIBTMuYSKWJseWW+j9oCZrfTDZJdj8x/7LzsrA=	pending			\N	\N
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
8b605fc3512ab26df0823d8271ca839e	1796548588.095155
1b30ab9cf1df0821403eae32ce1017d6	1796548588.1257617
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, at, identity, method, operation, csr, serial) FROM stdin;
default	U7xUTfl7tBYFL2u5zxiinLAxYLE=	1796548588.1017423	scep-issued	scep-static	scep-pkcsreq	MIICozCCAYsCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvYyMvL/QI7JpNRVxvl4QXsX6V6xy3Z6dimQ/8ssE1BN7AGnqjo4qhExuT5WER+9N0gx/iSGIyCTjtfu6aMvUPY148x0aUg05mOyZypwuhw+ZEU+OLFARbPiDMh8IyrCdz46J3U3QVpTSs9IVWx256MZoKc6MS3/FLAr2hJhmzH6ks5QrKhYpHHcDts9KkRe3SAkS0Deu6cwqPFB2UGd56pvcmmoz/iEEMiA4ZcK8ECE10GoA18L7OkaFOL2xyYFezBGL3PlSD4tlfdvHOGp8DWPCnYPnpD54qpXNAoybw2vOTWLr3ksnr5HuQuUqqNrLlBIAAnnVYTigryVM3KTLiwIDAQABoBcwFQYJKoZIhvcNAQkHMQgTBnNlc2FtZTANBgkqhkiG9w0BAQsFAAOCAQEAon+SrKxTHjQyUJw8XIhY2JjQdS2lV/Fi345g+ByWsmm56lDsLaImZjHtqGxkcaS+M4pLFGlRwOjFp2tbleEHwFyuQp/dW+SPDGoKp4uouW68gQxz4r9JAIlfLi5bzVDLJHty87fqXognQvpoisviGDlnRTJYeYhH0Kft4kT98og9TjUItyrSWghjIKm6fCgjDWzGc+qqg0Y3IRPmOfr9qW+rDBuPrgr7ws83DnjVkQ5U/Se9tNR348Ga/OK1vE7S9L1EQQcf+4szW9Z4UoFam04fgM/UbY1ON0OZfLXYiPoOR1n3AVo+EwaahUH36YFSZoLB8Jf0kAGVC55UMY7egg==	69e15a02b219fe29369b5c02ddf6676a51bbb7
held	Lzkm/RBhVro9h37O8bqWT6LW650=	1796548588.1349115	scep-held	scep-static	scep-pkcsreq	MIICoTCCAYkCAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAJmFR/y0yYNsxkoFJ75k8HDiML8jcAnAHsCydXoUIamrwmh0SCwxE5pzki8Zq1wYgAUkc4SIbZp24G9yXYg+h3jxmMX+fHX6N4Ogk8ilDGND/cyHl+YwmYCtZt+FvP/efMIl5De8f4vmB776vsdCpquSQ0TSvPCIo49cNC06l+lnKr9NT0J2TYI6D6EobfonY/Wj1RqCoijuxspRLQd7GsjLu5pN+8xyHG4Coykhc7G73QwDGf09zD5vdF8JOrfULmnmTdvPAM/vMK9SMjhDm3svsWqDj9YLWKEuHQye2ZY+DKI31sEzXjrIxxDAUjiUkAdcSxI+AGtuktuzyKBRqy8CAwEAAaAXMBUGCSqGSIb3DQEJBzEIEwZzZXNhbWUwDQYJKoZIhvcNAQELBQADggEBAJNmUZ+QtC/9WycJpUJgtPIc9NL5x3ER3NHO7TYNxhoje41EuU+RVIFPYVd7graMXaZ6LCi0wqXwydBW/cm8J9my7xzIeyCcKIrwtTsIWOXAyGaHHXHl68d/PWn/Fc4ZSFzdPe9ZiCYhDagH+phLwzzzbmPfj89mRzgSZCjZWeYIvKmL/pbSRoDFbAPVi4HKJdt4nhsrpQdBVg08ZmjooSP4osI96IC4OhwwvunzqOGF28QJjcz/1lceu8GPkwSqBcEv2gCAK7Zx4W1UUacKf1Id9sOK7z0nz7FeHRM7BaFFz+v0GIIBTMuYSKWJseWW+j9oCZrfTDZJdj8x/7LzsrA=	\N
\.


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.schema_version (version) FROM stdin;
1
2
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
    ADD CONSTRAINT scep_transactions_pkey PRIMARY KEY (label, transaction_id);


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
-- PostgreSQL database dump complete
--

\unrestrict LfJwC5Xg0WKC8e8hdKmWXsOofnDBfdnIL8afY1wc6BcujoXExBIlEdF3AspWnP3

