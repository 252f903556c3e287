--
-- PostgreSQL database dump
--

\restrict HpohQabnrap3UhSGoM2Qjahd4d6DeEnvhl4LZekwuhyXOQfi9iC35jjef6CYCJZ

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
1	1796548835.6515017	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796548837.2715325	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796548840.085975	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
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
1	6542f9400366f6eb5e506dce2b943232476563db0e7365d41158ee593d1d7e1f	basic:carol	1796548840.0662484	2111908840.0662484	\N		0
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
1	1796548833.00676	basic:alice	basic	127.0.0.1	default	simpleenroll	4b2b6546e065abeb1173e2311d76ee3f029d2fa7e92ebb14ff0fb649bb37d5b3	ae6f5e23d3caa09839043fd287ff9cf6a6b2ac4115e948ed53ff8850089211d0	CN=alice	[]	issued	issued		4753B5FD1F50A36BABB23CA47BAE4CE2FABE93	2111908818	MIIBrjCCAVWgAwIBAgITR1O1/R9Qo2ursjyke65M4vq+kzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxNTMzWhcNMzYxMjAzMDkyMDE4WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABF9MIOpyM0ecI1qa8OwRzfL3KmgqEYBnG8z71abYSrVQHfIaX/2szdH9oLe29Wfi5kH6tZ2ABHrGoNJanpBoJPGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBT0rY5oJg8E+yBe2FqyTiQxeg4ruDAfBgNVHSMEGDAWgBQDlD1I1hkzmRSgGbjRWnm+iIP5yTATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNHADBEAiBbsFws/Uu7G+FX+C58I741N88+NbhloB1B9OIlwXDGIQIgdy7f8jf4zYSldldTcEcJZzB+o1vRQfM/fBdgiKoGfj0=
2	1796548833.3661847	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	c130c8cd19238f9bc22f455199e44df1fdb19c448dbf6b6be4c1c7aed741c23f	392171136d7e513522a73159778f0e4dc478ea69461dbc7004b4e7dcc8fad983	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796548833.8328364	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	0411c4b48d66d6924f2ffab17844064891e4b348326b5ee3b8081d1f4bbae2da	75c2680b5581631760dec4979b44f62c5638e263db961ccc976d1f4d9f694e79	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796548834.2639356	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	12d3365e3fc2c6c771ca7d311872709cfe6bf157ea079471754ed50788e4b73a	18e6912cd30e2a6d960be326b88c8bcb450af4dc602a2720d78eeb17d6f7c0e6	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796548841.051845	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	2e141201f6c018a70d19c364bc521cdec1eed736c573673cc36927952e921eb9	7e9349df8c4ec88139719872680df392e62a1fe43fdac23eae0bb118913473aa	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		2392AC25C880E6A4E2CD901974E5A2D2E0AF79	2111908818	MIICsTCCAlegAwIBAgITI5KsJciA5qTizZAZdOWi0uCveTAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxNTQxWhcNMzYxMjAzMDkyMDE4WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQChlJKBRkcbn0fCDqTFJX020JjGa2o9FWkh2wImMPni0pIqDEz4iKTxdsvHfLE2+gt6nPCk5jLR3Z3gFQHpJR9KKgh1kLoV7hbHhu7fGY0zuiOOCTCFPPgSUt/aZ8OhYbRSwat9u8caQbJ/aHBit+TV4pKuuojvQ4H9gP0sRUBqgyZjRWDwBk/Z4ZmL+tBuQHBFI4U6KClcC01uY4Fbgdx+bCx0jseMPGtmloMupZ6xYIYmH0TQ7Qp8SXG2+r04D0U7GkEk8QOgiDAXUtjsCmYbdel0u05Pxjeh9IbLIw/+jrmYPM9nJt9C2rWdATCBYmcQrORZM5mL4UNC6/yOZDDDAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBSdqBpB8727lRTsOzjyxOqlf4JiMzAfBgNVHSMEGDAWgBQDlD1I1hkzmRSgGbjRWnm+iIP5yTATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiBAm6+Cb1kijVMAAo4izhoqmxa/ripRtd0vML3LJJZpAwIhAMC80P24daG8NGs0yqu8CgtutcHdJZXQm7IBJsYEfwUu
6	1796548841.2118	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	499766d5f6b71c40470543c969dd75d17616986521160d6aa8118be9d606fa3e	01b07c5ea7fc88e193c32777cbdab7b022be2e37540a846874940bb7d3b9b12b	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial) FROM stdin;
3	1796548834.2701902	held	simpleenroll	basic:dev-pending	18e6912cd30e2a6d960be326b88c8bcb450af4dc602a2720d78eeb17d6f7c0e6	CN=dev-pending	[]	MIHQMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQnnwN4CZCrfnwc3JUiiqUFZXTcElidVc0O+kcQ6EmeCMrtCf1ENGJxEpYFqyL7Rb55AVNTSpnQLNzzw4OcBFHroAAwCgYIKoZIzj0EAwIDSAAwRQIhAMtrdNPbOvhWQXt5kZgS7w56WyDvv0ZkHw+2fo3BQ6teAiAR6i/TXyVgQEeC3zh7nFObUUtifDanlaS93SqbB6OiqA==	pending			\N	\N
1	1796548833.3917344	held	simpleenroll	basic:dev-rejected	392171136d7e513522a73159778f0e4dc478ea69461dbc7004b4e7dcc8fad983	CN=dev-rejected	[]	MIHSMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE76c2JcZ2sGNDdHqwAymogKIFISFqQLWM94esxax4LuhL0KiJ3jIGtrLweI3zERcR15B+2mNGkoDYz+l374julqAAMAoGCCqGSM49BAMCA0kAMEYCIQDuUiZYmjCkaLRSy9GA6WKzSzpbzY6zOH8am8jRgcQFqQIhALoqULOERLbu8axWF29Z9eaEeqZaAYL0He548e0bUZgY	rejected	not one of ours	operator	1796548835.6441247	\N
2	1796548833.8503878	held	simpleenroll	basic:dev-approved	75c2680b5581631760dec4979b44f62c5638e263db961ccc976d1f4d9f694e79	CN=dev-approved	[]	MIHSMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAElZIrlFcAnOdl8l9wAESSMWQop+of01AFV9LSsSBJwAgdIyQ6eUaZEtdbcpgdagIaFQf4Fs2Bi1guFq6oxlFXE6AAMAoGCCqGSM49BAMCA0kAMEYCIQDGFh0w5dmtD+0bQ78E9RwwzY9daMqz7oaKROex1FE0IgIhAKagAwxDFw79+9tGNV1tb3vv1MZhmYyFdqX8Suxcnv6Y	approved		operator	1796548837.2532938	\N
4	1796548841.2315843	held	scep-pkcsreq	scep-static:held:	01b07c5ea7fc88e193c32777cbdab7b022be2e37540a846874940bb7d3b9b12b	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBANcB3kLlKl+HFW0g3sfXEEl6nJF01Kn1ycNYgrl3HJGYz9x2bxHqGdVFM48YDFZQS+/N8WgrTyPxtVzrM28RbXsUO3tkG2XsqScpzHu2lrasikw8GUNfM3E8uYONzY34VH+ca37Wh4bzGAjKLrG9TLHeWRt2h7i5/j+bTLp5bbMWezXt5gE8bQ0pq0KWucsb5fDsw84EaPydmEKwuRF89B3yGBbv/IX5w6vecPJRWYkkUAnVz276I4SBvu8EeMTtW9TmCLe06ij3I0biA1tuRsg5LmCL506G9sOS4ytWlkaXUQifFjGzxBN9W/2hBcKK3bu6OYy7qK0gfgBdyEkgfm8CAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBknPucOHyg2Z0ogG4Wui+ZmiGwZX/bocK8d/pz2C7ffSBD2RlW6YpngjCItBhZ7sFI2I20Ldu/wlY8gl+EewnQh8/tSmyMdiiWjZsq87vibL2i7xtfHA740r+yl2MpsIOsH7NhjUA1dvWn28WZxd+YIpmBlH32tOdYtrTyLXnURQE80TR+AaO3EOkHpcZzAkOxj0nuebUcduBgcZEHNtsoYLdcAtPiGasrv1xTRU/CaZUNNURHmnyMyJJQCZV4VXgiCup5rbFQUtrlenwpPchfNaGlqLNy2O7E2yjjGWlPbV+A8N3I5nPjTXfiNwU88mEZwB6YI+RhKi87w9Kz+J2h	pending			\N	\N
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
914f315e4e8805a0512f0ffd874cd00f	1796548841.0056481
9d9f1a5e982f52d2d78df586ed694a30	1796548841.1254141
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	w1PgmdyJZ0BgR9x9FNNruHp5htU=	7e9349df8c4ec88139719872680df392e62a1fe43fdac23eae0bb118913473aa	1796548841.043985	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAoZSSgUZHG59Hwg6kxSV9NtCYxmtqPRVpIdsCJjD54tKSKgxM+Iik8XbLx3yxNvoLepzwpOYy0d2d4BUB6SUfSioIdZC6Fe4Wx4bu3xmNM7ojjgkwhTz4ElLf2mfDoWG0UsGrfbvHGkGyf2hwYrfk1eKSrrqI70OB/YD9LEVAaoMmY0Vg8AZP2eGZi/rQbkBwRSOFOigpXAtNbmOBW4HcfmwsdI7HjDxrZpaDLqWesWCGJh9E0O0KfElxtvq9OA9FOxpBJPEDoIgwF1LY7ApmG3XpdLtOT8Y3ofSGyyMP/o65mDzPZybfQtq1nQEwgWJnEKzkWTOZi+FDQuv8jmQwwwIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAHS90cu/lNRJMnnZlyzS6c1eURGazDizKuZfDrIw88yvq/9FhHRFqogHa9WkQjnpxkbzuNoTRXwwIhYRyQS9w1q4FDZIp/nILxExou2/LA5+orO8qOmmDi17/U+pgnsdNlXFdf+cVsps2j9NV0cucMxzgU8fGDgxJcKjOaYT9roknj1GOFzqk7zgJOQATVRgbxOpS4fDY8leg4OENHRapDfhm9pA0edGUFDbJn8tcTal2ARpth+WYbRLxasCmZzikd9EsaSa4dOxqGY3sPxn7iaFNsHDvSLQi4kpa2f7Gu2a1TwGiFrwWJipU9M/BqWtMiEsBehaE/NyG6p2QIGIvxA=	2392AC25C880E6A4E2CD901974E5A2D2E0AF79
held	GPooF7iHgorbTikxrJEre52eVOo=	01b07c5ea7fc88e193c32777cbdab7b022be2e37540a846874940bb7d3b9b12b	1796548841.1902034	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBANcB3kLlKl+HFW0g3sfXEEl6nJF01Kn1ycNYgrl3HJGYz9x2bxHqGdVFM48YDFZQS+/N8WgrTyPxtVzrM28RbXsUO3tkG2XsqScpzHu2lrasikw8GUNfM3E8uYONzY34VH+ca37Wh4bzGAjKLrG9TLHeWRt2h7i5/j+bTLp5bbMWezXt5gE8bQ0pq0KWucsb5fDsw84EaPydmEKwuRF89B3yGBbv/IX5w6vecPJRWYkkUAnVz276I4SBvu8EeMTtW9TmCLe06ij3I0biA1tuRsg5LmCL506G9sOS4ytWlkaXUQifFjGzxBN9W/2hBcKK3bu6OYy7qK0gfgBdyEkgfm8CAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBknPucOHyg2Z0ogG4Wui+ZmiGwZX/bocK8d/pz2C7ffSBD2RlW6YpngjCItBhZ7sFI2I20Ldu/wlY8gl+EewnQh8/tSmyMdiiWjZsq87vibL2i7xtfHA740r+yl2MpsIOsH7NhjUA1dvWn28WZxd+YIpmBlH32tOdYtrTyLXnURQE80TR+AaO3EOkHpcZzAkOxj0nuebUcduBgcZEHNtsoYLdcAtPiGasrv1xTRU/CaZUNNURHmnyMyJJQCZV4VXgiCup5rbFQUtrlenwpPchfNaGlqLNy2O7E2yjjGWlPbV+A8N3I5nPjTXfiNwU88mEZwB6YI+RhKi87w9Kz+J2h	\N
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

\unrestrict HpohQabnrap3UhSGoM2Qjahd4d6DeEnvhl4LZekwuhyXOQfi9iC35jjef6CYCJZ

