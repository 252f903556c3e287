--
-- PostgreSQL database dump
--

\restrict XURCO2NrFegY5hdlmHIgW519PUC4KI3V7QG9v207GY85N93lwBlrgaCU1PY3uHy

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
1	1796552935.451677	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796552938.3516252	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796552943.8388343	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
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
1	78c45c96503cbdbb4b78a9b8c9e19b2134bbbdb4d686640dcf888427a6e0ed1d	basic:carol	1796552943.8197343	2111912943.8197343	\N		0
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
1	1796552932.1687977	basic:alice	basic	127.0.0.1	default	simpleenroll	c5eacaea24bda92fd511a24efe5bbab38e6d3acde3943b43598c3926c67ea022	0433d42ffaa912d13be571e644ba49e0b8a6a2c0a773467ca346082c79ee166c	CN=alice	[]	issued	issued		0E8C1A685345C29DE651985DA3F442924AD7B1	2111912918	MIIBrzCCAVWgAwIBAgITDowaaFNFwp3mUZhdo/RCkkrXsTAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTAyMzUyWhcNMzYxMjAzMTAyODM4WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABDiYnvFXJQp2oy3UJNmMI0J64X2vapix+wFj27QHB7Lml8zTdfnM4QDXomosQ605FnV/vor3HPwdESKKoy5rzJijdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBQBEDw46i7PnHhARb8sIWkz1yYInTAfBgNVHSMEGDAWgBQQWZ8zZP3Kvb8bNlY9N4jAkTA68TATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiEAuL4KgZ7WMLGg5tPvm1druS4tfgJEnPk6boesTypSRewCIFemOvq1EEqASv6IogqVScOLIrVW6CWa9WtVzokE8lxS
2	1796552932.480172	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	0fd2a07a97058b6a35ec77e315c6ae2cb6019a3b227db3615145f27cfeabc245	f557627ee9c4e3a310403104aee967e27f077957af5571d0481e102d75f1810f	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796552932.8648903	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	d8f01a3bd603c2a08f90e46ea94a8dce3f8ebc41d9794694e6633149b6aa7a28	3bdd05f14373f04c31ea19050eca88725bf5f01fe29e6047b1be43e358f4e4d7	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796552933.2526171	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	8aca8d40acd954ef8eca9a8ae37f4b6d642f4351ab594c99c1dcfbb2581b8710	a81fc9f8486f2116a6b230f117cc3f509e49445a1511779cda4d194be0fff275	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796552945.0439985	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	e2d88b1cdb3c27c65baf58299f483a9bb6364d89e117773afcc11a4c59430973	71c33da07c8fe805203340dbb47318dd71dd9116920afee304ee5c12b96802e1	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		0EBD63DCD60DBC4CECE9C97EEBD779CF931F63	2111912918	MIICsTCCAlegAwIBAgITDr1j3NYNvEzs6cl+69d5z5MfYzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTAyNDA1WhcNMzYxMjAzMTAyODM4WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCm3iveTtJgua5jfKrKCiFsj+sk7i0yxf4iYH0Ix756cmR5lIdWmBMSApPD7PNhfCaNRbKaY8vzD7vhKKHv0BNZWPkjclrJyF9IL8Xx6Hl6kUNTY1JH/k9/2vO0f0KQOeTTHvaDCbwACC8x2bIGA90DFdBUFp2SwmEJcnSCKBnmQQhSO+J/kT/dg4aixFJOcnrtxlo/Ip84twTT3Cb5f4M8S4qMYslDpLyQvGbTPjf968NZOP9p55jgy9j+clEjDgJ2DXjSSMLTYPIrWbejUk1qD1/8KKfZHLsvDx0KteyfG8Oq/UaSwiSYrJAZcPcOOT9Lgzcb2k3lPcVdaC91jd6zAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBSUuKRa+Q+psJS8dEkz/tRBOuLtHTAfBgNVHSMEGDAWgBQQWZ8zZP3Kvb8bNlY9N4jAkTA68TATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiEAxeJbzEWjSYm678CBF2UEbWw+VjYRksSsF1/E+fGsP8kCICDJ/o1Af/V24Nb6iLaD07Hdyvzx+mqQAIUIovYj88UN
6	1796552945.3281865	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	59acd2c9f8922111466bd0464d87895062133951a3a360f7241c322f438cea40	56a6e4fee84d79e2b87fbd2bcd49d1b7010fa423e8b861d9331470546ff588e0	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.004150787989298	1796552945.2908652
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial, claimed_at) FROM stdin;
3	1796552933.2562351	held	simpleenroll	basic:dev-pending	a81fc9f8486f2116a6b230f117cc3f509e49445a1511779cda4d194be0fff275	CN=dev-pending	[]	MIHQMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARvYUnHzSJQqzjKaOuUNzg6HAFuX2Ot8uGf5WFzI4TbeZnZn0ET7pr9EcXWc/vwpCYXltP8PLCndr+cves8RhjWoAAwCgYIKoZIzj0EAwIDSAAwRQIhAJwiAvFNJKux+tkc+y8fZ0cZHcLFhauxPF6T8Hy+tPr/AiAc5BweVJmVd8sIM1ByOAUuVscG103jt21Od8vzALCw7Q==	pending			\N	\N	\N
1	1796552932.4880877	held	simpleenroll	basic:dev-rejected	f557627ee9c4e3a310403104aee967e27f077957af5571d0481e102d75f1810f	CN=dev-rejected	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEmpO8WB1zg2LYe0rB3qhPOyAGNmEt2RmqQi7VJT1lcuAGV5IqdNPhQ2zLDjLnODAXFwP4eXeK96h6ENo4/R6pgqAAMAoGCCqGSM49BAMCA0cAMEQCIQDAGUlGAiGMe9vhJspP2rCplgZ+Xs1jP6KvYfiM9X2PzQIfFSWOakLpSjw1aTHqlq+w4cZ/Kf0uFrMNmnNoIY6/XQ==	rejected	not one of ours	operator	1796552935.443467	\N	\N
2	1796552932.8664618	held	simpleenroll	basic:dev-approved	3bdd05f14373f04c31ea19050eca88725bf5f01fe29e6047b1be43e358f4e4d7	CN=dev-approved	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJYQOfVHwQwrMbYWCuRCgqoFCWbh4PG9AaXZXbkbkLEQZC7hjCeMiIpnPNuPgY8CRRhF09CUG7nrEPq5wjexRnqAAMAoGCCqGSM49BAMCA0cAMEQCIDY6Ok97A0wwAUTZCHQmQcKD7wOYoNGza4e1IHdWn0r/AiBksz3S35zp5/yfXGqwn+e+/ZG+or8c7tp0zkSkR9eB9A==	approved		operator	1796552938.3434918	\N	\N
4	1796552945.331604	held	scep-pkcsreq	scep-static:held:	56a6e4fee84d79e2b87fbd2bcd49d1b7010fa423e8b861d9331470546ff588e0	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAJsnicDq1b8YWP7iVy7XTWOiF/agI7pXo+YKVyl/Cqak9l7UgZ7uDKnVwV+z2rL/9mS1F98zHcHETLrZLW1YoLeruftMVt6/tMFvEptA+O1ndI1g8fHZx61CDoMxBt6MIE6IX4Koxvdcj/Aon0n/kZYfO0oVfdbLn6y11H79yVM1raKo0JDqjYlqcBIAFLxs2Yx9p0Cy4s0iWpPDw+feR+wWtH3M0KGBOGWhS1e+f1OP9eHnw+PnoWW27q7xi1Fw2s9LbvN4kT9xtTE8WJMpR8r8ENxUNr4XLFlMNID2tOk0HD0Ed2NNIFcZrYNqzx5gYg+a5xgSboyp6NT8azvPvnUCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBDTQzvsQdZ7gw2PNaI4184jNY/W/M55b115/o9m5SgFZQPFqjoR/+tqsnDVZK59oyHpefLNNuSUth7iwYFuDubFMi9JKs1uX+tTe8fLC1jWazsNiptj0yXEQc0/eue9sFuzYlgFH2xkCDegsv1GdwhSh2kYGsIwx1xPo3lS2i3713rkqZl6FNGc0DbdoGciDADDJxo50BcCWpVxXAji+YZKfNpjDyG0tbGQi/iI76U+RrmeprxVkOW9qWZd7OMB+BBtLrj4Ax15vIcjMwghnPisxTemMcTfIdswQZBOR2IMARXD0NNMtVoGLcucNJmK8p8btaQnAjq3tF6CcEAdbMa	pending			\N	\N	\N
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
76efd46dbe321fa56ad88eec29e41df1	1796552945.026286	19965145daccf86ccb8cc766e1a8ffa1206931d79ceb231af59b8a2f15a65cef	begun
75e6fa053e70f5dfea273a15b3223850	1796552945.3119042	689298555b9d6008e569dc170e90f98b67d9b7c4758cbcc8edf38b9e6313489f	begun
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	WLvSUEJAOZmExIJLxWmeBK7Qz24=	71c33da07c8fe805203340dbb47318dd71dd9116920afee304ee5c12b96802e1	1796552945.026286	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEApt4r3k7SYLmuY3yqygohbI/rJO4tMsX+ImB9CMe+enJkeZSHVpgTEgKTw+zzYXwmjUWymmPL8w+74Sih79ATWVj5I3JaychfSC/F8eh5epFDU2NSR/5Pf9rztH9CkDnk0x72gwm8AAgvMdmyBgPdAxXQVBadksJhCXJ0gigZ5kEIUjvif5E/3YOGosRSTnJ67cZaPyKfOLcE09wm+X+DPEuKjGLJQ6S8kLxm0z43/evDWTj/aeeY4MvY/nJRIw4Cdg140kjC02DyK1m3o1JNag9f/Cin2Ry7Lw8dCrXsnxvDqv1GksIkmKyQGXD3Djk/S4M3G9pN5T3FXWgvdY3eswIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAIqx8VhU2kyfdaVSYeIwwU3E73WVVQuh4DX3KPzA2le31HewKkbLAmxFvfxu09RKunAZ9YK9LwZ/EKfSkJgaU3AMIaH+ShsJpqbZ8Peh4383vpSqRljFeHU/HfHFUk6Ohjjv14Zbu31OZzgIs/ikTZ8vdukMelNJ2KmKiUggbDpwmcGP8eupnRmmrZSw0OfngRVSB11eDTf1yncnY5UKi1kNJ6nfytzqQHVYNMMm5eCttsJci2zgxCUEAtt89kJf0TpJoPqLw6ablHATsxA166+ZreonfEL2ZHONkoIKVWuzlLtMYQZIzGxx++bLQeOuarevRkZEAooLhZ9Yld0OMiA=	0EBD63DCD60DBC4CECE9C97EEBD779CF931F63
held	ggytbNQVlnv3/53NdUyX4WNp964=	56a6e4fee84d79e2b87fbd2bcd49d1b7010fa423e8b861d9331470546ff588e0	1796552945.3119042	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAJsnicDq1b8YWP7iVy7XTWOiF/agI7pXo+YKVyl/Cqak9l7UgZ7uDKnVwV+z2rL/9mS1F98zHcHETLrZLW1YoLeruftMVt6/tMFvEptA+O1ndI1g8fHZx61CDoMxBt6MIE6IX4Koxvdcj/Aon0n/kZYfO0oVfdbLn6y11H79yVM1raKo0JDqjYlqcBIAFLxs2Yx9p0Cy4s0iWpPDw+feR+wWtH3M0KGBOGWhS1e+f1OP9eHnw+PnoWW27q7xi1Fw2s9LbvN4kT9xtTE8WJMpR8r8ENxUNr4XLFlMNID2tOk0HD0Ed2NNIFcZrYNqzx5gYg+a5xgSboyp6NT8azvPvnUCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBDTQzvsQdZ7gw2PNaI4184jNY/W/M55b115/o9m5SgFZQPFqjoR/+tqsnDVZK59oyHpefLNNuSUth7iwYFuDubFMi9JKs1uX+tTe8fLC1jWazsNiptj0yXEQc0/eue9sFuzYlgFH2xkCDegsv1GdwhSh2kYGsIwx1xPo3lS2i3713rkqZl6FNGc0DbdoGciDADDJxo50BcCWpVxXAji+YZKfNpjDyG0tbGQi/iI76U+RrmeprxVkOW9qWZd7OMB+BBtLrj4Ax15vIcjMwghnPisxTemMcTfIdswQZBOR2IMARXD0NNMtVoGLcucNJmK8p8btaQnAjq3tF6CcEAdbMa	\N
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

\unrestrict XURCO2NrFegY5hdlmHIgW519PUC4KI3V7QG9v207GY85N93lwBlrgaCU1PY3uHy

