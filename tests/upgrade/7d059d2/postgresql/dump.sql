--
-- PostgreSQL database dump
--

\restrict Y28DWNbf5n6Ax1wtJPHef2wnHU1aQetDkC6bB9egI3bhnht8gQZtjnH7L5vKwO0

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
    retired_at double precision,
    key_uri text DEFAULT ''::text NOT NULL
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
    revoked integer DEFAULT 0 NOT NULL,
    bound text DEFAULT ''::text NOT NULL
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
    expires double precision NOT NULL,
    last_seen double precision DEFAULT 0 NOT NULL,
    flash text DEFAULT ''::text NOT NULL
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
-- Name: device_names; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.device_names (
    name text NOT NULL COLLATE pg_catalog."C",
    enrollment bigint NOT NULL
);


--
-- Name: enrollment_hours; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.enrollment_hours (
    hour bigint NOT NULL,
    decision text NOT NULL,
    shard bigint NOT NULL,
    count bigint NOT NULL
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
    certificate text,
    auth_serial text
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
1	1796563053.1182926	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796563057.4497643	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796563063.9278755	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
\.


--
-- Data for Name: ca_rollovers; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.ca_rollovers (generation, at, root, links, wrapped_key, retired_at, key_uri) FROM stdin;
\.


--
-- Data for Name: codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.codes (id, code_sha256, identity, created, expires, used_at, used_by, revoked, bound) FROM stdin;
1	0066239be0ce3604aafbf7af8c80b323768ea9b66114811774c54383499a26e9	basic:carol	1796563063.8997908	2111923063.8997908	\N		0	
\.


--
-- Data for Name: console_sessions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.console_sessions (token_sha256, operator, csrf, address, created, expires, last_seen, flash) FROM stdin;
\.


--
-- Data for Name: crls; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.crls (issuer, number, at, next_update, last_revocation, der) FROM stdin;
\.


--
-- Data for Name: device_names; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.device_names (name, enrollment) FROM stdin;
alice	1
basic:alice	1
basic:dev-rejected	2
dev-rejected	2
basic:dev-approved	3
dev-approved	3
basic:dev-pending	4
dev-pending	4
scep-issued	5
scep-static:default:	5
scep-held	6
scep-static:held:	6
\.


--
-- Data for Name: enrollment_hours; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.enrollment_hours (hour, decision, shard, count) FROM stdin;
499045	issued	791151502713	2
499045	held	791151502713	4
\.


--
-- Data for Name: enrollments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.enrollments (id, at, identity, method, peer, label, operation, csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, not_after, certificate, auth_serial) FROM stdin;
1	1796563048.5283198	basic:alice	basic	127.0.0.1	default	simpleenroll	ee171fa9cf1b7ce6d3fa3b3460a70a6c8190a688f0d0ca0bb104508285178388	dbb4bd84ab3929df9f527eb8906dd4b58bcd0bb92e5847d7df46c1032b5b237d	CN=alice	[]	issued	issued		47CC14335FCC53AACA38E234ECED6B5A220A47	2111923025	MIIBsDCCAVWgAwIBAgITR8wUM1/MU6rKOOI07O1rWiIKRzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTMxMjI4WhcNMzYxMjAzMTMxNzA1WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNW7V4wNrMcr3wUnB4zNRKugzhyX6mt4telIWcI8x4ljd3TO51fBQQHqHtxWMjVyfmSMqwi7Yo2bEf3W6/qN+jujdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBTLj7wAZ0jRhZQuGyf7MFoMNCeZRjAfBgNVHSMEGDAWgBTUl0ly7TtCUX+YwXcfDoEi9uo5/DATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNJADBGAiEAifBuHrLTZWkqeac+1nJdybLdAEXdLJM+W18pD0pR4j0CIQC0WiNu83+Otn4xKLzezVSAA6//CmbVFriFu4aP5wMp9w==	\N
2	1796563048.9488564	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	eb1b144abe701d7ccd63ec5cb80191ea9a0a138b4446fefbaef97de8fca15aec	e11995cf3ee6a5c7b774e9da58e87abff41a20b327944f91ed27786e2f216ec7	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N	\N
3	1796563049.5002718	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	f10cc4f7bac575e0dde3fd819feca7530ca116a033fe13dcc0d425f99c9c3804	19e730c3744d1310bc5689c220d91373680024decf780950bf8c0f09aa6e18e6	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N	\N
4	1796563050.1068854	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	9607f2111fcd829bbd99a3dbdfc740d7aa7fa81a4e4fb5dfb1e56045372539a2	9da4f75a02798644885efcbd00836934856e1037265543344d60fc2e7d49fad0	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N	\N
5	1796563064.955892	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	f75e4762611e10d5e72d237ab9755f384d70b7ced8f18c9eedd91be6192745bf	25833679b57330dfbc77d8fa872352174da9befdf9d4ca23dd23539918cad148	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		09E29DC430E56025812E34649CC1C6FB6CAF77	2111923025	MIICsjCCAlegAwIBAgITCeKdxDDlYCWBLjRknMHG+2yvdzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTMxMjQ0WhcNMzYxMjAzMTMxNzA1WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDDnSlyeOA19ieLdH/P4gQWFatv3vgw5dTnFYDtMfVtFHanP/YHatbrJEXfZJWrG2Vd+atXt4jezDKg0HaeHOmk/okXgBcxQVtJcX0ZUPHV4SXmb8iMk+8KMHUyK484IjGEFb3YykTXFkV3Khcj3/6bZAtriGXMo05kq5ay3ZnfS6R6M4LOVVKLOoX1DLZDEcW9nk6TIvBJ+UPYbsHt0IKTS0F9IqX0i3FtuKU0Q+4yHhxpbHvX6DzJvMmume0NYnUKBCHzdW9AGPds5BFmybhhE64E7jrmTJCBfQqHSeCqfdZFEyFaxa2rNleoFXbCeMb6eX13/mVefd27WxdTgFC7AgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBS2EGy6GPphanMSQ7tIhmS6wvTIlzAfBgNVHSMEGDAWgBTUl0ly7TtCUX+YwXcfDoEi9uo5/DATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNJADBGAiEArf43g7xUlUAklv/iy6kbo5xe4JDuONSW+x8BZ/kVTucCIQDTZTXOGfC+zmL+fJ0jTpwI4X5I6DNwL/Iyw6L8SqhTcA==	\N
6	1796563065.1118908	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	5930c3d2afd87a375d87ee7692a7faeec5fd5b9544a3a7f9b7c67bd75ac0e1fa	868d60bb2cfa35e7a5e47a256c33c172b3d549d2e59089f8be4801e1a8b8200e	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.000648180643717	1796563065.1017456
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial, claimed_at) FROM stdin;
3	1796563050.1642163	held	simpleenroll	basic:dev-pending	9da4f75a02798644885efcbd00836934856e1037265543344d60fc2e7d49fad0	CN=dev-pending	[]	MIHRMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAT6s5pJXW5qbMMNUgnl40Si1v8U9amYbqRAxfa64W0Mh2v+LBT6iNvrI2fmEqRRrOr5Htg8zB6vWUr3E3dQDKYpoAAwCgYIKoZIzj0EAwIDSQAwRgIhAMdzP+bz1Sb4P/IvFRzOVFIVbpNYxh0W852CSpuMtAwMAiEAth2DTMPGd1Ioy4+gHmrPPMmv11JKsliQVM/Qjwk6KWY=	pending			\N	\N	\N
1	1796563048.9638133	held	simpleenroll	basic:dev-rejected	e11995cf3ee6a5c7b774e9da58e87abff41a20b327944f91ed27786e2f216ec7	CN=dev-rejected	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEwHVPx61Rp168lmAeehsbiCbAjegheJx9SRTIXuB6mUL3vTkeeowMUvSfoImchVKBnkA4ihdQc9IvfiYbznfVK6AAMAoGCCqGSM49BAMCA0gAMEUCIQC561dcBpPzcF+xl8vX/sxXGZg5G9ZjCJV9rTBmS7MCQAIgFukYIoVXbAE29mnBXWQSOIGyMV/ns9IDi8HAg4roCqQ=	rejected	not one of ours	operator	1796563053.1131904	\N	\N
2	1796563049.5251293	held	simpleenroll	basic:dev-approved	19e730c3744d1310bc5689c220d91373680024decf780950bf8c0f09aa6e18e6	CN=dev-approved	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHf9C8NNb00P5CSahFkiOUjqzfdk40mdhQH5EjhHS7BbpBljmxkKmqdMDvzXC1QnY+0VvX06s8BTHpKkl0+8pwKAAMAoGCCqGSM49BAMCA0cAMEQCIH5y1OmZyBqe4+KeAaupOcBPS65W/1YiP2zowYvU/wQkAiAq9cQ4vyZAQRxsqfwVE7iM6OwgYee9wLTiY735HXHM0w==	approved		operator	1796563057.437768	\N	\N
4	1796563065.1149256	held	scep-pkcsreq	scep-static:held:	868d60bb2cfa35e7a5e47a256c33c172b3d549d2e59089f8be4801e1a8b8200e	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAMwjBvu60r7HCpcD8eBNSdouKLyKNo4TG2w6H7fvU6iTxfcK0CIB/795MI6oMGZN5+9h++0ji/dNp+vDodsy9+Hm7tuJVX8HwQHldQ+Gd30FqjIt30bhMEwdNUKVYJ5YFcsIojcSsCMl2oaR9DCIWfGZCJ9veAGZ0q5lBOnCxYbBk4dtTxtKrt6sgQh+tl9uqPKvJ7F05w5p5Cz7cu/WeLkawx0G11//qbQIGiLUk1ewBIk1qQCXcgWrC2sTA1xBxqnmkOUupfHeuZt+XpaiRUIHntVUUiCLJ4s1LBwjEAYvjhJGnF/VBv/7XoDITkda28kZAo64PsNwThmAOhiJCCsCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQCX2awGMkqToDr3TMU1hdCj3JDvozQQLCsaoiW4iwJPhcJ/xt3005Ic1yjMG1RxE7QBEYYrk0WH2jBCsCuE/xTQLU5n9yQILwq7L5A7pBj44vvBw3aOjKFQojO8TkxmfmInmgzAAEEcf0f7KrpNQb5kQgNNn/SG6Tsmk9R++o5vlX59VrrXye9xfreZcafKbIs64CkIIWiFzYZ4LwmWE5sd599DExBBYEiUdRbcFygenKsiHSc59un1H0wSgAOJywN+WvX3xkdLpBYWJGf8WRmeGa46t30P6CJ54S+971PWdvCxFVSMXMCpWUZih1zC333vHPhOP91bFKAPrM9KEkQM	pending			\N	\N	\N
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
c3b54258884073f5c9177b9274c55f53	1796563064.9490483	6b30749366443a5aeae7e73bd09189aea7ba15a31cd023e3ef2e499e04c5064d	begun
d1ca9ffb4cce79c7e82da604ace481c3	1796563065.1044893	cb4781128ce584c8cf9f5e6da7fdb9dc77b9aae237260662d1c91c4492f1fc35	begun
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	x7NpiYSsUqaV+kOTqHo+MHxp/gg=	25833679b57330dfbc77d8fa872352174da9befdf9d4ca23dd23539918cad148	1796563064.9490483	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAw50pcnjgNfYni3R/z+IEFhWrb974MOXU5xWA7TH1bRR2pz/2B2rW6yRF32SVqxtlXfmrV7eI3swyoNB2nhzppP6JF4AXMUFbSXF9GVDx1eEl5m/IjJPvCjB1MiuPOCIxhBW92MpE1xZFdyoXI9/+m2QLa4hlzKNOZKuWst2Z30ukejOCzlVSizqF9Qy2QxHFvZ5OkyLwSflD2G7B7dCCk0tBfSKl9ItxbbilNEPuMh4caWx71+g8ybzJrpntDWJ1CgQh83VvQBj3bOQRZsm4YROuBO465kyQgX0Kh0ngqn3WRRMhWsWtqzZXqBV2wnjG+nl9d/5lXn3du1sXU4BQuwIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBALNB8jo3dM2lVDRZBttzFsK1zi16XZL9mbBTqEzbn+SghzuixRTqF4+V6da9FYRv66fhZKm9M7IjXtUThocKjHE6lMp4uKRHfJx/S85j5GH9qgfEJA3OQkgVkAvJK79c71PHsYKyJ/+rl/6Ag4N4fMiAJA9zdmiW56Z4WVyNY0wtIYgX6UviqYCDrBVwYERJR9y4SBPRwX56xAnK+OBInfLMmeOZKEu8ADOwYKUI42Lcnjq7qJfdF7wHgfL9cu3M9+CJWzL5kmP1pPhcb2fU7AFuqUn0oduZM+yMDyqwszkjqWzeQmbgRCUPDsOwvd5F/r4tDjQsjp1DrpL6qObNNBI=	09E29DC430E56025812E34649CC1C6FB6CAF77
held	DVrmsviK3vjANGWwU8SIIuZKtUs=	868d60bb2cfa35e7a5e47a256c33c172b3d549d2e59089f8be4801e1a8b8200e	1796563065.1044893	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAMwjBvu60r7HCpcD8eBNSdouKLyKNo4TG2w6H7fvU6iTxfcK0CIB/795MI6oMGZN5+9h++0ji/dNp+vDodsy9+Hm7tuJVX8HwQHldQ+Gd30FqjIt30bhMEwdNUKVYJ5YFcsIojcSsCMl2oaR9DCIWfGZCJ9veAGZ0q5lBOnCxYbBk4dtTxtKrt6sgQh+tl9uqPKvJ7F05w5p5Cz7cu/WeLkawx0G11//qbQIGiLUk1ewBIk1qQCXcgWrC2sTA1xBxqnmkOUupfHeuZt+XpaiRUIHntVUUiCLJ4s1LBwjEAYvjhJGnF/VBv/7XoDITkda28kZAo64PsNwThmAOhiJCCsCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQCX2awGMkqToDr3TMU1hdCj3JDvozQQLCsaoiW4iwJPhcJ/xt3005Ic1yjMG1RxE7QBEYYrk0WH2jBCsCuE/xTQLU5n9yQILwq7L5A7pBj44vvBw3aOjKFQojO8TkxmfmInmgzAAEEcf0f7KrpNQb5kQgNNn/SG6Tsmk9R++o5vlX59VrrXye9xfreZcafKbIs64CkIIWiFzYZ4LwmWE5sd599DExBBYEiUdRbcFygenKsiHSc59un1H0wSgAOJywN+WvX3xkdLpBYWJGf8WRmeGa46t30P6CJ54S+971PWdvCxFVSMXMCpWUZih1zC333vHPhOP91bFKAPrM9KEkQM	\N
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
16
17
18
19
20
21
22
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
-- Name: enrollment_hours enrollment_hours_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.enrollment_hours
    ADD CONSTRAINT enrollment_hours_pkey PRIMARY KEY (hour, decision, shard);


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
-- Name: attempts_address_lower; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_address_lower ON public.attempts USING btree (lower(address) COLLATE "C");


--
-- Name: attempts_count_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_count_id ON public.attempts USING btree (count, id);


--
-- Name: attempts_face_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_face_id ON public.attempts USING btree (face, id);


--
-- Name: attempts_last; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_last ON public.attempts USING btree (last_at);


--
-- Name: attempts_lower_label_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_lower_label_id ON public.attempts USING btree (lower(label), id);


--
-- Name: attempts_lower_rule_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_lower_rule_id ON public.attempts USING btree (lower(rule), id);


--
-- Name: attempts_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_name ON public.attempts USING btree (name, hour);


--
-- Name: attempts_name_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_name_id ON public.attempts USING btree (name, id);


--
-- Name: attempts_rule; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_rule ON public.attempts USING btree (rule, label, hour);


--
-- Name: attempts_rule_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attempts_rule_id ON public.attempts USING btree (rule, id);


--
-- Name: audit_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_at ON public.audit USING btree (at);


--
-- Name: audit_identity_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_identity_id ON public.audit USING btree (identity, id);


--
-- Name: audit_identity_lower; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_identity_lower ON public.audit USING btree (lower(identity) COLLATE "C");


--
-- Name: audit_kind_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_kind_id ON public.audit USING btree (kind, id);


--
-- Name: audit_lower_kind_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_lower_kind_id ON public.audit USING btree (lower(kind), id);


--
-- Name: device_names_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX device_names_name ON public.device_names USING btree (name, enrollment);


--
-- Name: enrollments_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_at ON public.enrollments USING btree (at);


--
-- Name: enrollments_auth_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_auth_serial ON public.enrollments USING btree (auth_serial);


--
-- Name: enrollments_decision_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_decision_id ON public.enrollments USING btree (decision, id);


--
-- Name: enrollments_identity_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_identity_id ON public.enrollments USING btree (identity, id);


--
-- Name: enrollments_identity_lower; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_identity_lower ON public.enrollments USING btree (lower(identity) COLLATE "C");


--
-- Name: enrollments_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_key ON public.enrollments USING btree (key_sha256, identity);


--
-- Name: enrollments_label_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_label_id ON public.enrollments USING btree (label, id);


--
-- Name: enrollments_lower_rule_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_lower_rule_id ON public.enrollments USING btree (lower(rule), id);


--
-- Name: enrollments_operation_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_operation_id ON public.enrollments USING btree (operation, id);


--
-- Name: enrollments_serial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_serial ON public.enrollments USING btree (serial);


--
-- Name: login_buckets_stamp; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX login_buckets_stamp ON public.login_buckets USING btree (stamp);


--
-- Name: pending_identity_lower; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_identity_lower ON public.pending USING btree (lower(identity) COLLATE "C");


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
-- Name: pending_status_identity_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_status_identity_id ON public.pending USING btree (status, identity, id);


--
-- Name: pending_status_label_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pending_status_label_id ON public.pending USING btree (status, label, id);


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

\unrestrict Y28DWNbf5n6Ax1wtJPHef2wnHU1aQetDkC6bB9egI3bhnht8gQZtjnH7L5vKwO0

