--
-- PostgreSQL database dump
--

\restrict TCDpKp1HyhOuai3doRU7zgU3aYG9TUibhym4j5ZU14fdah8ZWqOcahtfpgmYUyZ

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
1	1796560725.37599	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796560728.1636736	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796560734.9075475	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
\.


--
-- Data for Name: ca_rollovers; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.ca_rollovers (generation, at, root, links, wrapped_key, retired_at) FROM stdin;
\.


--
-- Data for Name: codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.codes (id, code_sha256, identity, created, expires, used_at, used_by, revoked, bound) FROM stdin;
1	302920d276efdcc9efef071f60585d8e78f5a2ee1a82188fb938ca2da65d59da	basic:carol	1796560734.8899612	2111920734.8899612	\N		0	
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
-- Data for Name: enrollments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.enrollments (id, at, identity, method, peer, label, operation, csr_sha256, key_sha256, subject, sans, decision, rule, reason, serial, not_after, certificate, auth_serial) FROM stdin;
1	1796560722.3684957	basic:alice	basic	127.0.0.1	default	simpleenroll	e73cddad1329dba22d126c2853ac6948965b2e4e5e25e8a260d002782092085c	2ca4f37ff99205be4beae98bb4e4f4e6260ec7598a19079708b97176eaada003	CN=alice	[]	issued	issued		270E13F55F1D92637AE123EA4CA0E391045B73	2111920704	MIIBsDCCAVWgAwIBAgITJw4T9V8dkmN64SPqTKDjkQRbczAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTIzMzQyWhcNMzYxMjAzMTIzODI0WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKyGW/s3j7lgnQj6Ws3tBk9xgEROhn/gGODG0+KOudCKiPEygfM1RIB5zIhBqPnn5HTl4f6nfVPZvTpwqB/22GijdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBQmjZvQfl3mXZIFQF4MFljBKmteaTAfBgNVHSMEGDAWgBTQCZMEKKgu8AzKTh9gOtDGW1dtATATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNJADBGAiEA9zPw136j9X7h2E8CRQ/mL0WXULHz6uEA5DeeNw0GYoQCIQDSgDeB0+scUsSIo4Sow/j8r8M1IejB3ZkAbUGUmdEKTA==	\N
2	1796560722.7283843	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	35d56099c6fbefce53a99a2d0a7b7ab2a316057ef9bddd7e9d9be1c7f949c768	cdf7dee35e4f6f67414ad149850331b2e9162b7796b847fcc47bae68c0b0df2f	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N	\N
3	1796560723.168417	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	c689d28e0ae6edb0cf1f770e9e83fdc58fe47bf57494a1de6ce5e535bccf2368	ddd7feed1663481ec917876d52b99b190c359175ee3830fcc8d245ea2fc290cd	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N	\N
4	1796560723.5006611	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	339088f83b80a4e174645acccc085d3a6b1e33d29fd9f964e43601170d426f79	292e4e0768c87d83f2f6a73fbc69214abb1a0192f27e81302fd78eeb1a240990	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N	\N
5	1796560735.7679436	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	db6f79412373ffacf8191802ea18680929c9efcf841d264037b7cfe1a91b5a6e	dcbae8d7bb2b6a1b44440e83e0d18fb6af4d4609f7d45564bca06bd0cba4def2	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		7C739EC636704750BF501CC0F69796120D5A0F	2111920704	MIICsTCCAlegAwIBAgITfHOexjZwR1C/UBzA9peWEg1aDzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MTIzMzU1WhcNMzYxMjAzMTIzODI0WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDNbHN7yfZhDmaOkgToT09Hoz8VKoN3EAxgVLgXgIIBAee2lj3pZnXgLvQQ2AOabPrQPFl6tmVQnIY8uTrZXt8qT8chKXSj6g0mLfgbC5PbfdNgzMF3e/8tNDrOmgcjfVm+JBMixs9w40ARsKiTHdfbEBSEqPtZ+aaT8bMVxfu6GIosHNzK39sR51pvbO/pj4pPX9JKGqPG/lUrv3eapeyZxfmA3T4YtM7KbozblAM1FtmFMwAVCJO66CW2W3oc8gujHAsAjwAnppo9xRr84Z8ZoW9KPzVBUjtQS+AkG7iQz+Emt1w+8gZPWgGyZ8Zqa0TWAi9T7w9V98gShWf5ntXVAgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBTY/0mAd8oU4bdIZlR+03tCY/R/3jAfBgNVHSMEGDAWgBTQCZMEKKgu8AzKTh9gOtDGW1dtATATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiAz4SZcdv6niLTjNMgBnJFErvUVdz6dHFevz8aPdmlkcQIhAPGQ9k599d6pyYARe2qwOUadWQaxQDpOMnAn6xM7gt7S	\N
6	1796560735.8783033	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	fede7900b85199b67a3b05dbc03675485ccaa4d9a5c70041cd11b41cb8522e6c	b1175e3f6188618277d951544fbd1d90e3b0f42d83b9653823ffe7f2a556a169	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N	\N
\.


--
-- Data for Name: login_buckets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_buckets (key, tokens, stamp) FROM stdin;
source:12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0	10.000226855278015	1796560735.8336322
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial, claimed_at) FROM stdin;
3	1796560723.501758	held	simpleenroll	basic:dev-pending	292e4e0768c87d83f2f6a73fbc69214abb1a0192f27e81302fd78eeb1a240990	CN=dev-pending	[]	MIHRMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQQD/CxKcWCFoAg0ZCBywRBofTl5AuRV/Q4GubBsUQRSa0oKecTMaZQbBQoU9PeAQVoYV3Cb7gFBjBRj2atdP1koAAwCgYIKoZIzj0EAwIDSQAwRgIhAMU+TYRPkoiJeOLBehSEv9mdVrEWoBnK+wZQW23ym3wxAiEAkUEahNr3XJofQ890o4F+Qbd70ekeRCrKBqlobT5r3/M=	pending			\N	\N	\N
1	1796560722.7360888	held	simpleenroll	basic:dev-rejected	cdf7dee35e4f6f67414ad149850331b2e9162b7796b847fcc47bae68c0b0df2f	CN=dev-rejected	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE6mnV0ydUcJae9+xtm2JzwMZWHpIFqkvWH31aj7vLjmxzmJS8vXt7bXMaCvhyMFc2M0nb/g42rLIlAd1xMpf/qqAAMAoGCCqGSM49BAMCA0cAMEQCIA1gieX2NKoIQWAcpHUg1wFdM4mvQNRit/QnbtQKaEmuAiAMvlhmsAx0J5AfiaSzqwbnPZ9fyONSIDpIcWgeUXIHSA==	rejected	not one of ours	operator	1796560725.3647842	\N	\N
2	1796560723.170311	held	simpleenroll	basic:dev-approved	ddd7feed1663481ec917876d52b99b190c359175ee3830fcc8d245ea2fc290cd	CN=dev-approved	[]	MIHRMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEncJ9M9lBA/fzgCDpPbadNrfVttLaERex8r9y2CwwCbsdF1diw2GuOqExT76EWEUAfyD6HJ4FJC/IOVGy3lQJIqAAMAoGCCqGSM49BAMCA0gAMEUCIQDmi0XvvwXiIsd7jI9P09C8o3aDxznaam7lde2si5DZ+AIgNs3vDk4Lg+4y3MRneWGtEsE5AvJ7MK1/PJw6xE+AaA0=	approved		operator	1796560728.1395621	\N	\N
4	1796560735.879577	held	scep-pkcsreq	scep-static:held:	b1175e3f6188618277d951544fbd1d90e3b0f42d83b9653823ffe7f2a556a169	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAMUg/KG/CG9IU+ViNId86/jPG1LFd3N4Bnit8yV8+SrCsGSg+NPHTgNFVmfZN17Nt0puYyv8fd6iVgdrK1l2CZHEpTJou3BqBaD+m/iKxZ83XQU/dN1merfUwFyYrHoaO6VOOsbj6FQdY74fV5TN02we0ixKWxVDak2yRmP1faQ8PkLL22edoNmQ3dmIrfkg9cG4bme4VpXqIG+XaORfmW+DI9E8S5YESFLpfVarlvdiJCkYZW72JiNMVGJMOsJAsYAAn/+L+gl8zmHFnWl5ZHDAILSTOMwIPmqjBngb2PrhpN8qZ81K+PZrbxy3ADjDWbHumDYbkr1XN+MBq3b6PMcCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBzxGEUsDn+rXw3VvWPoy40WxkRie1L96VOT2Rl4QDuJNznhHiiPMEW75n+q5CVajB+12YFFBO/SM1Mfu3SSQ9wOwtqOoJOLcQqkiDPA4GQhsyTN0Sor59pcm1GMgwZTLhuVx4491vKfxSIymQlobMCcwcMcbndcFuPmRNgs3DdxETcOQWTa0PhZwh4Uaz+/S27cbWALor0RhxvDw0E8+KbafEEUQt0hbXWCkJohnFRrTHNnW4yVw0PKLOsRBs+7lcmugZqJWsyqP6MNB4VfuchrEd+65Kn2bfqG0Rv8gPNKj4CcW0oNuPEw77Hp6tUlv09RayoVQ34htOGWd+1PCPq	pending			\N	\N	\N
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
3a89d2f330b00687720b49b9838b77a2	1796560735.7644632	f718a5a64e9d025f53261f4c3b3aff4f7c080b4bedb4422c61aa84adee9dde33	begun
debd3ab47ac2218eb0bd8910fab3b125	1796560735.8685179	924592f258f4188739e6b9c6d5ebcfcfa8829c6ee87c49a1c201b589c65bf2d4	begun
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	a5AwV0DLiRHLqQ0xOfsw3ucxrew=	dcbae8d7bb2b6a1b44440e83e0d18fb6af4d4609f7d45564bca06bd0cba4def2	1796560735.7644632	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzWxze8n2YQ5mjpIE6E9PR6M/FSqDdxAMYFS4F4CCAQHntpY96WZ14C70ENgDmmz60DxZerZlUJyGPLk62V7fKk/HISl0o+oNJi34GwuT233TYMzBd3v/LTQ6zpoHI31ZviQTIsbPcONAEbCokx3X2xAUhKj7Wfmmk/GzFcX7uhiKLBzcyt/bEedab2zv6Y+KT1/SShqjxv5VK793mqXsmcX5gN0+GLTOym6M25QDNRbZhTMAFQiTuugltlt6HPILoxwLAI8AJ6aaPcUa/OGfGaFvSj81QVI7UEvgJBu4kM/hJrdcPvIGT1oBsmfGamtE1gIvU+8PVffIEoVn+Z7V1QIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBACSeVf/f37qAVooIgJtrKzL5Z6WTMiuLJLYbjZja+CJGiwETHQbZcOsDTTU9kTkYqwGmEdbC0R4VQ3oRxkzxZn7vmbpGrFln27YGVkIbIyDCBBe4cMJVVk4T0i7QkhD/dzr6X+tBZPHOY4+8VQOjYJ0MWKHYXD2SLrgHrhw+Ubq9PBZ5Ljm1Ilr6ERAdYSNLiWgbd1jEBUZ8FJo0OjT0vfPxYeg5TmLbZ+4Uf4X7Kl4GpW+u3NkeUKTkx5Ir0cBkxNjXgQXkWw+GkpU85RHmCjkwDtIavjWlEjyHazRTA0OgiRai485NWdwatm802VpP5NyoOdoWr/raJhGI1+c4FhE=	7C739EC636704750BF501CC0F69796120D5A0F
held	mQY6Trj6i8ptnJTlrHCz+rrB8Ig=	b1175e3f6188618277d951544fbd1d90e3b0f42d83b9653823ffe7f2a556a169	1796560735.8685179	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAMUg/KG/CG9IU+ViNId86/jPG1LFd3N4Bnit8yV8+SrCsGSg+NPHTgNFVmfZN17Nt0puYyv8fd6iVgdrK1l2CZHEpTJou3BqBaD+m/iKxZ83XQU/dN1merfUwFyYrHoaO6VOOsbj6FQdY74fV5TN02we0ixKWxVDak2yRmP1faQ8PkLL22edoNmQ3dmIrfkg9cG4bme4VpXqIG+XaORfmW+DI9E8S5YESFLpfVarlvdiJCkYZW72JiNMVGJMOsJAsYAAn/+L+gl8zmHFnWl5ZHDAILSTOMwIPmqjBngb2PrhpN8qZ81K+PZrbxy3ADjDWbHumDYbkr1XN+MBq3b6PMcCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBzxGEUsDn+rXw3VvWPoy40WxkRie1L96VOT2Rl4QDuJNznhHiiPMEW75n+q5CVajB+12YFFBO/SM1Mfu3SSQ9wOwtqOoJOLcQqkiDPA4GQhsyTN0Sor59pcm1GMgwZTLhuVx4491vKfxSIymQlobMCcwcMcbndcFuPmRNgs3DdxETcOQWTa0PhZwh4Uaz+/S27cbWALor0RhxvDw0E8+KbafEEUQt0hbXWCkJohnFRrTHNnW4yVw0PKLOsRBs+7lcmugZqJWsyqP6MNB4VfuchrEd+65Kn2bfqG0Rv8gPNKj4CcW0oNuPEw77Hp6tUlv09RayoVQ34htOGWd+1PCPq	\N
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
-- Name: device_names_enrollment; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX device_names_enrollment ON public.device_names USING btree (enrollment);


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
-- Name: enrollments_identity; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX enrollments_identity ON public.enrollments USING btree (identity, at);


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

\unrestrict TCDpKp1HyhOuai3doRU7zgU3aYG9TUibhym4j5ZU14fdah8ZWqOcahtfpgmYUyZ

