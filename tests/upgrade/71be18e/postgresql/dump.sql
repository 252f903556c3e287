--
-- PostgreSQL database dump
--

\restrict jxQepFRvyg2KYgBJXcKyo82bJGVokRUI71ONbKK73UWgauu0aTaepyr0kDJEHqa

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
1	1796549031.750598	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796549033.8820348	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796549038.0327709	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
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
1	39e0983543f794f4b2fec0d1b1b5a09615cae00a9d35f5b3ebde4628449b5804	basic:carol	1796549038.0153558	2111909038.0153558	\N		0
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
1	1796549029.0449736	basic:alice	basic	127.0.0.1	default	simpleenroll	6d0129df0486810de9b1ea15a95b796a445f955b4a0c09e07e9c165090505dc6	eab3c1df3585864ad7b4b980ba647f79b21acc8847a9352d4046c432fdff3b20	CN=alice	[]	issued	issued		6CDEB2D5868B92CB3037BF8C00F1304DCD71E5	2111909018	MIIBrjCCAVWgAwIBAgITbN6y1YaLksswN7+MAPEwTc1x5TAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxODQ5WhcNMzYxMjAzMDkyMzM4WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKf5tJjY3IEZNivbHuleq+yWfpYcYBm8X3TreNcjUhdxkaP/BQEeaZh2vInwU6rdiLMu5MR50DaTHnFc8OWLrIyjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBSis9+gCZL35/UL9BikFz1MrMVvJTAfBgNVHSMEGDAWgBRc8qLu/dpSa1v0IzbxRKu7k+TNmjATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNHADBEAiBxlXMMfxXzDh0n2e+QXcvACQoiTixj8+/GfL11ItsvdwIgWDuvbflt0dS+6pjacA7esDn1HnOpJCvoH5VkccQxSrI=
2	1796549029.3131406	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	6c4538d76f0ae1dee9113904d3b3ef9efd4a5a6e9784a15535e8e1fb9ba3ec91	6a9b12fff2d14aee7234c023ccd1d1ae58ea852386e2127ff0d9401563f3e689	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796549029.641349	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	f7dd701c68b3809c4030d51cf89887b40f77d9b4bc384cf17429f437f037a0d8	4b71c12a4ca87054207451cb51f424d6846e61c4221ec393b948f04bfd0e7abf	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796549030.0088441	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	29f3916b904bc4be8a44dcd6c4ce3439c502e62e287c49857ead38505f172ed9	e6bbbf0e62f7a81237c27e960e65c5f1c8f848a10c01f1e348a16318ce81ff15	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796549038.9598556	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	1f16bffa5357437666e1ee3a8ecbe92321c4bb64e03d80d9bef32b4d109f26ba	59efab442f12d97b29364a75855e6f124242bd28cbaf622f3beb300ec7286053	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		7AD3ABC422AB62DF8FE56539CD128B5F93EF43	2111909018	MIICsDCCAlegAwIBAgITetOrxCKrYt+P5WU5zRKLX5PvQzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxODU4WhcNMzYxMjAzMDkyMzM4WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDNaLZnahUxlSYkKKOj5a2mSBAL4AjtFx13x3RLyfnvTXJSvlLylMUusqerkuIcg4ns/Lwj/8ochpzcrjCxRtRYdDQAZiTpYlj35V+kmPh5vPp3ig9ArBBl4uRTBzJ6x6oDkmafl+r1dS2B1HGjcQhIDlyfJaTEPdt0HnmBdg3rCYrZ+0LnESHzHa+c1OtiI4/cm0vZSv6hjBj1yaPouqlRhowobCYQAj1dbLKUUVU2rRKQ3Tk5PVrX/sEFtJZPrhm+qFEfygoFhBGDVfG1cF/x8dVg9nJ3gFuBYvZ1alNRhKTYyzwgm4pEjVSAWJrkWQKbAijcEOfbQKnj93OAcH3zAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBTl/6cJpZTViME9znFFiubFDk9KGTAfBgNVHSMEGDAWgBRc8qLu/dpSa1v0IzbxRKu7k+TNmjATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNHADBEAiAq08Q2NCtT1/qffO9n6qF1JQoJ2CYrocww4pPM6DHdJAIgKCTazqc9CdYT9ZHutd4m4rdpIFj054mkwbD5dfVnjaA=
6	1796549039.0678625	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	724f1dc18e0a16b80a400ca030e9b551382c4561091f24b766f89db6631b064a	d55b719044fb30ad3f5cb78c105cc6df76f457e72a0db608f6b881004b3b9a61	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.00035266081492	1796549039.0434008
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial, claimed_at) FROM stdin;
3	1796549030.0097933	held	simpleenroll	basic:dev-pending	e6bbbf0e62f7a81237c27e960e65c5f1c8f848a10c01f1e348a16318ce81ff15	CN=dev-pending	[]	MIHQMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASsqUqU1kaLl6xGiKhyXzX03H7S5p9ydCrqD1yCd/LSlHyZrRuHAMlP82+sH/iUkSz0mL2a7/3Syyc93zERuhewoAAwCgYIKoZIzj0EAwIDSAAwRQIgDYrU+yEm3Slc9U4kyXbIEWod24D9suXDcVsdPDm8Bu4CIQCjJne3vKr0IEc0ppOmThjAEuWU/0esopmuuZEUmROC+A==	pending			\N	\N	\N
1	1796549029.3162851	held	simpleenroll	basic:dev-rejected	6a9b12fff2d14aee7234c023ccd1d1ae58ea852386e2127ff0d9401563f3e689	CN=dev-rejected	[]	MIHSMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEr8ZcL3penqam5QLLhdZwSRQhFekBJpejB7/ssGGkWTSIiw5x9TWRYO6I31CCLjNWk0XE6I8v9VZC7AhA4lkYxaAAMAoGCCqGSM49BAMCA0kAMEYCIQD3s+G2QByCF9KB+ih4D1Z5nOY+/CqbjgCdNg8AmeSWegIhAKokiipR+Nyy4x6fmbZAdgHWO1gpaGrCcxHz2QeDWF+a	rejected	not one of ours	operator	1796549031.743401	\N	\N
2	1796549029.6426623	held	simpleenroll	basic:dev-approved	4b71c12a4ca87054207451cb51f424d6846e61c4221ec393b948f04bfd0e7abf	CN=dev-approved	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJ3M0IqYTbs133vssP42l0lWoBIZ9SoBIkc9uL/EHnbLRJe/Rr52DgXa4u3kpQbsTJ6W3xd+uwn+wKiwx51LM36AAMAoGCCqGSM49BAMCA0cAMEQCIGREMT2HANigfDglsSUF23q6aIVfySHAUG8mjXE33eWEAiB+VBOPS1nIiwCaLGStTbpULB3s//4a/cmKk+rNiGIExQ==	approved		operator	1796549033.8674018	\N	\N
4	1796549039.0692947	held	scep-pkcsreq	scep-static:held:	d55b719044fb30ad3f5cb78c105cc6df76f457e72a0db608f6b881004b3b9a61	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAMHeVRXcBS8avD+AtrspbW8GvJI3tpQHW5wBlR31y+et9VYnAiW7HKKYnWyj+ZHAnXLFwucB8AXmiLHZaNqqlBR6nCq2vWnT9U3VP4fQwMn6LVeo8sJH0Oq/2Ml+QxxL3YQRlDTxLSXeQjIBKK1CAuKppVebBrAqMb3Ye4Qe/EdifrHtUPCyZOYaaBl4wt/x5i5j5fqF2JckSETVJalW5dGfT9+Pr/TpK2CbEsKUhdH23K0M+AWQ8yjeTDf/1GMLCBMYieqBfOwV3CCWIn7twNpyUV0YD4z8DCmoq8gG/l1c47NMsTjd36pl10nMhp2fkk9F+UIxMumWzDfYjx8mm60CAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQCPStE8ZwE+9rIFxcrgVMV9JVsmCPQ6311LA23Ks+38cdWiRwqPIijBR0NBtX9VesUGgP20U1rK5vsP3IYQUdFuD3PnvSSvn2ETmXzrzahgwEffLEBtPDsP4aSQB57OkEx4OO4v/DAtN1UJoaMZbyph/OL+KsxCagKAOUyDAWjp3y0N+Zftc/qnqdqRbced1AfFxazv/RAcu1CsRFNI7aYetc5JtiAfL4j5cbZpeYKIdPGSIIB/zEizBy62jTLM64yUXQ7K2Z+r2wMy6YBjRvBPWpKL2lw9BWv3acAjW6zb8j7CYV+er6aO1v9pO3NrAGzWw+qBgX/EO74LF/bEFDij	pending			\N	\N	\N
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
df6a464b6fce221e1fb98a1a6d6ba792	1796549038.9511888	41d886a71e02234b359b966ce65d188407f1b565a9b3b2ec478d84416984ade9	begun
6f58bc2d0c60cf5260f87e9a4061e7e8	1796549039.0562577	2f76da0575e64d74a75fc2a4fef8dde4e9388d19f91c58c303efc1b61b1534ce	begun
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	rwsuG80DfgNNuEJBok2SeXmwn6o=	59efab442f12d97b29364a75855e6f124242bd28cbaf622f3beb300ec7286053	1796549038.9511888	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzWi2Z2oVMZUmJCijo+WtpkgQC+AI7Rcdd8d0S8n5701yUr5S8pTFLrKnq5LiHIOJ7Py8I//KHIac3K4wsUbUWHQ0AGYk6WJY9+VfpJj4ebz6d4oPQKwQZeLkUwcyeseqA5Jmn5fq9XUtgdRxo3EISA5cnyWkxD3bdB55gXYN6wmK2ftC5xEh8x2vnNTrYiOP3JtL2Ur+oYwY9cmj6LqpUYaMKGwmEAI9XWyylFFVNq0SkN05OT1a1/7BBbSWT64ZvqhRH8oKBYQRg1XxtXBf8fHVYPZyd4BbgWL2dWpTUYSk2Ms8IJuKRI1UgFia5FkCmwIo3BDn20Cp4/dzgHB98wIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAH8FkX9x0zQFW9fXVPRIRL/N7YwGonTu3zxFKd80eQNUGKHAfkUSz6+hPmRvHz0fQlaMYlN1fEprFPh6xRpziKLbfG3T8Z+REUpaPYLC+eSP0SDEMUAsi8QJT4yKZqCtpmOu3rE3wXzPGj7F9QvUxigZ5erRe1OTqpAI73eT6jtgXYlai42uF+AHByTe/M6VW5x0qgYsyQMupgK1diA4iYVfrWaT/4SmqWa0NXFMZyd5ZKgtL3hPs4m09Lt0Knfgfo9bJcbDzxYHW1kvEaV83STp+c/PM89v4YKbbijij8lzxBj7+z8pf/xEZ3eyF8U2S1GfmIPlseK9ETaWjQQt4fU=	7AD3ABC422AB62DF8FE56539CD128B5F93EF43
held	k9S3bogEOZx8e0n2pWQTy7C0/Zw=	d55b719044fb30ad3f5cb78c105cc6df76f457e72a0db608f6b881004b3b9a61	1796549039.0562577	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAMHeVRXcBS8avD+AtrspbW8GvJI3tpQHW5wBlR31y+et9VYnAiW7HKKYnWyj+ZHAnXLFwucB8AXmiLHZaNqqlBR6nCq2vWnT9U3VP4fQwMn6LVeo8sJH0Oq/2Ml+QxxL3YQRlDTxLSXeQjIBKK1CAuKppVebBrAqMb3Ye4Qe/EdifrHtUPCyZOYaaBl4wt/x5i5j5fqF2JckSETVJalW5dGfT9+Pr/TpK2CbEsKUhdH23K0M+AWQ8yjeTDf/1GMLCBMYieqBfOwV3CCWIn7twNpyUV0YD4z8DCmoq8gG/l1c47NMsTjd36pl10nMhp2fkk9F+UIxMumWzDfYjx8mm60CAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQCPStE8ZwE+9rIFxcrgVMV9JVsmCPQ6311LA23Ks+38cdWiRwqPIijBR0NBtX9VesUGgP20U1rK5vsP3IYQUdFuD3PnvSSvn2ETmXzrzahgwEffLEBtPDsP4aSQB57OkEx4OO4v/DAtN1UJoaMZbyph/OL+KsxCagKAOUyDAWjp3y0N+Zftc/qnqdqRbced1AfFxazv/RAcu1CsRFNI7aYetc5JtiAfL4j5cbZpeYKIdPGSIIB/zEizBy62jTLM64yUXQ7K2Z+r2wMy6YBjRvBPWpKL2lw9BWv3acAjW6zb8j7CYV+er6aO1v9pO3NrAGzWw+qBgX/EO74LF/bEFDij	\N
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

\unrestrict jxQepFRvyg2KYgBJXcKyo82bJGVokRUI71ONbKK73UWgauu0aTaepyr0kDJEHqa

