--
-- PostgreSQL database dump
--

\restrict 5y15hy5JHz6IrUohChWVRKE4KU67ScZm26QX870pzsSIryTCP3eA6cYITGe1WCX

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
1	1796548714.2475843	rejected	operator	{"pending": 1, "previous": "pending", "reason": "not one of ours"}
2	1796548716.3356469	approved	operator	{"pending": 2, "previous": "pending", "reason": ""}
3	1796548719.6142306	code-issued	basic:carol	{"code": 1, "ttl": 315360000}
\.


--
-- Data for Name: codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.codes (id, code_sha256, identity, created, expires, used_at, used_by, revoked) FROM stdin;
1	b38c9da0da8b8f018e74d66f93523e1e0ff51afb973d86b2ca1ccf374746ba43	basic:carol	1796548719.6033778	2111908719.6033778	\N		0
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
1	1796548710.9845695	basic:alice	basic	127.0.0.1	default	simpleenroll	005859919c839caab4241d25d3c7494fd502d74dd297e7db51210a2c304fafc6	058480ffd206f04a3018fd1207e4903c983271aad3f1790520ec8b0237dd93fd	CN=alice	[]	issued	issued		20C849F478782F5883E0E8F8F3E5075F3B2A97	2111908697	MIIBsDCCAVWgAwIBAgITIMhJ9Hh4L1iD4Oj48+UHXzsqlzAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxMzMwWhcNMzYxMjAzMDkxODE3WjAQMQ4wDAYDVQQDDAVhbGljZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKi0XFf5N2UxnuNXrZMTBxRVY42MhTo4BoDp6HkX+UiOHln2Jw5dJ5+WYHtXOMo7O0NxOh2KCvoSq39Mao7PsrujdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBRRI1/wMucRE29Lb3q8WdgiyAlFLjAfBgNVHSMEGDAWgBS8w2ua7kNVYditMCIeWEklMaCvRTATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNJADBGAiEAjoA2/85OY2v2rxo+fBg7NSwPiCcgkxzo6csSZ3T2OX0CIQD2HdyHT8UBUz4h+pFSiOMO3OiRRicXyDHWojLr/KyJTA==
2	1796548711.3362834	basic:dev-rejected	basic	127.0.0.1	held	simpleenroll	9f78a064c0b029ec81ea73f2d24aaeced5c4ae633496e6b7cf5f90ce69240da8	f1abbf1f5c059949ef0d4e2d75e5165bd33c28ed3a0cd85489db11c053a1ef15	CN=dev-rejected	[]	held	approval	approval: request 1 awaits an operator's decision	\N	\N	\N
3	1796548711.6526492	basic:dev-approved	basic	127.0.0.1	held	simpleenroll	56f29d75044e63a393fd83e591ba3cdcc12e97f28a85ac17b279ae8c8c8c6955	401da8b7bdc55d5d827110728c731eb0d868ddb58a011f5f6e4a70c133dada51	CN=dev-approved	[]	held	approval	approval: request 2 awaits an operator's decision	\N	\N	\N
4	1796548712.048413	basic:dev-pending	basic	127.0.0.1	held	simpleenroll	2533dce0e01d315d2bc7f11e7c5f65d2a66a667b982b02c7d74fa295fc24ab1c	85f46074ab77f09ec619ee71e23bce861a0646ac9a7cc06882119c7f246fa4aa	CN=dev-pending	[]	held	approval	approval: request 3 awaits an operator's decision	\N	\N	\N
5	1796548720.1878073	scep-static:default:	scep-static	127.0.0.1	default	scep-pkcsreq	fbfbfbe2aa67a1f9afaa2d384b5aa331ec0b61987c41261072bca6739f8b2743	df881d079dde3105e2aae3c04876bc85935ba7721abe4aeef2abed920519e1ef	CN=scep-issued,OU=MDM,O=scep-client,C=US	[]	issued	issued		7234CFD2AF63D06F852EED2C9968B9CD5565A1	2111908697	MIICsTCCAlegAwIBAgITcjTP0q9j0G+FLu0smWi5zVVloTAKBggqhkjOPQQDAjApMQ4wDAYDVQQKDAVlc3RyYTEXMBUGA1UEAwwOZXN0cmEgbG9jYWwgQ0EwHhcNMjYxMjA2MDkxMzQwWhcNMzYxMjAzMDkxODE3WjBHMQswCQYDVQQGEwJVUzEUMBIGA1UEChMLc2NlcC1jbGllbnQxDDAKBgNVBAsTA01ETTEUMBIGA1UEAxMLc2NlcC1pc3N1ZWQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCr8iVyAcVHpCmYO1DulZOSu6ph6RPwd1fHAkHXVkuUwzuC5XKUZFR4sMzMTB79uRld81JroSpBE/nj0kyvFH/fI5U3rTsTu+3Pyp8fY7OupOBbRffeEi/WhBjgC5e6O14dGvDYQ90ULkn0Z27+2ASIf8yPgb2cd4o4UVf84iazLkJp6ENF6Jnrggmyw+yEoJd/4ZAF6kVROvdpWHSHwEKjmuhL5l7px2B8qDmMHFSeEqVJCraCjVDs0dcxBx48F+qkGOLjpkvtCwFK/YiV9ch+EZTMZAhgUGTBdRG310gxHCA3fvLyirxHjraecmfjEiDdRukUwUkvjH8SH1AA7kN1AgMBAAGjdTBzMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgWgMB0GA1UdDgQWBBTzNHPUCPbySYEDjAOEB5SkOxKTAjAfBgNVHSMEGDAWgBS8w2ua7kNVYditMCIeWEklMaCvRTATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNIADBFAiEA+SFCJXVjeMGWkDbE8+kgbRsFkuZWohx1TtE/Hi4AGGcCIGwBcdM/ZVL1weAxIMcMyFhwI8DT1OUYXfnT7+vfWQuj
6	1796548720.3036823	scep-static:held:	scep-static	127.0.0.1	held	scep-pkcsreq	ee9ff26f4bdd643f3f11f970570f36556d48af6d11206c97ced65a31e2690364	9843b0fbca505c10d3d1251acfcafc79c0893394d7e8b22042f5793c28105227	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	held	approval	approval: request 4 awaits an operator's decision	\N	\N	\N
\.


--
-- Data for Name: pending; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.pending (id, at, label, operation, identity, key_sha256, subject, sans, csr, status, reason, decided_by, decided_at, serial) FROM stdin;
3	1796548712.0528762	held	simpleenroll	basic:dev-pending	85f46074ab77f09ec619ee71e23bce861a0646ac9a7cc06882119c7f246fa4aa	CN=dev-pending	[]	MIHQMHgCAQAwFjEUMBIGA1UEAwwLZGV2LXBlbmRpbmcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATx1jqczdB7PqBILmbJYl1PLAAdURdD29R3ZBcxEUJCLFYhGheTbbtb6RclO5SaCst4OOoUtmPdsN9mazlZsSjmoAAwCgYIKoZIzj0EAwIDSAAwRQIgRmnEjgHEDjPXmNHRqMzgHAImEGeBU0W7SefKGWODjPYCIQDYYiPNd9QonqXqfxM2E2FSxQI7KK6vnyolARu8sPT/Pg==	pending			\N	\N
1	1796548711.3453228	held	simpleenroll	basic:dev-rejected	f1abbf1f5c059949ef0d4e2d75e5165bd33c28ed3a0cd85489db11c053a1ef15	CN=dev-rejected	[]	MIHSMHkCAQAwFzEVMBMGA1UEAwwMZGV2LXJlamVjdGVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfFwExDQtsYnfgyOTcvNiU78RuW5IiZTa+p8qP08bm2RRinDw/uJ+aAKqujmxMNK9Esx1EQdjW57VgE7T2RKC4KAAMAoGCCqGSM49BAMCA0kAMEYCIQC8MkeS5sneJWp8EpOLvZqLxFwMitSzZ0VOZvtrJm5JFQIhALGSifvc0wLkMA6vxwIVwGEidR2bqKODvdlqKKR5r1O0	rejected	not one of ours	operator	1796548714.2205415	\N
2	1796548711.653988	held	simpleenroll	basic:dev-approved	401da8b7bdc55d5d827110728c731eb0d868ddb58a011f5f6e4a70c133dada51	CN=dev-approved	[]	MIHQMHkCAQAwFzEVMBMGA1UEAwwMZGV2LWFwcHJvdmVkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcIKThX39iLkqu+7o8/Etjy9vm+MTotDv3knkbZUuJbddgOh5/iOXUiUbRX37EwS1v0ROyQR2cMv6oIG0zFk3MKAAMAoGCCqGSM49BAMCA0cAMEQCID9t/bDz+Cr4+TmkhTVD0QD5A7F7AnRbEhJLDvCAamkVAiAVBpUP8i12ZBkXB8rfmm8T88hgqXxO+M5Gy0Ah1jgtVA==	approved		operator	1796548716.3244588	\N
4	1796548720.3126469	held	scep-pkcsreq	scep-static:held:	9843b0fbca505c10d3d1251acfcafc79c0893394d7e8b22042f5793c28105227	CN=scep-held,OU=MDM,O=scep-client,C=US	[]	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBALkWkMxp4pUui24DdbBa8FBKSZA51YsBhhNBRZp3B3maLw4DxqctqqtMzOQPbZrTQfNRb7SkSYIBiX+ehcEz8uuGqTxBGEnr+98n/9QH83ltobzCL9TmD6Kf2i+XSX26fE8dGuy+Gc6lInElu1cJdUjoQNPY9mCMmVCAxZstHpdLhoQZaY2PTfJG9bVOdFxoXSlTyXow0xU19xEXMPggzKahvv3rlotwp0ZpzmZVIB8JmWzd/biajp7jDfLz8k0mNbec+59MIyZU/4IyVFw/MH9zEtkvljZwubWo1PIeHK16/VrgmQWMW+sT96WIA4bKTZzp3jDErdLt1JX0dqUNiGUCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBCHpPGs8/TevnJIjmPSb5rzC4zfh3MvQ/p6TgU404QizSBjWlvU49nz5zr3i4y4J5mlLk5Sp6JOGyiGaKQsCcnoqVo9r5LBfg8bgrXXS2pMYEDqvm4gEVAof9IT+5CIzMLPFhJnw2+2/Q3QPwUudpbNfLgGvh4rrytcKTKZH8PNsCKL/UJ3fKjWe0TnsBpTa3cBuwvag9rqcyYTjMX5R+TE7bsfrNVDMfPD47+ILpIAPIsg9VPsJgxmw6q/noY8U7gZeYyOCaIlLCLu4bv4UgKN4+H5MwAoh1g3wSd7ybWUPEpSMSvzK9R99ZmT+jYcOEfEiT+MIKYH82oB7EL5EyM	pending			\N	\N
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
ff653ce9aedf57b07aa8480c4688be8d	1796548720.166492
125b4766da07d32feafcd34f7709a535	1796548720.2531354
\.


--
-- Data for Name: scep_transactions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scep_transactions (label, transaction_id, signer_sha256, at, identity, method, operation, csr, serial) FROM stdin;
default	yecpxEbCg1NBOj8wK0wUIug7qeA=	df881d079dde3105e2aae3c04876bc85935ba7721abe4aeef2abed920519e1ef	1796548720.1837633	scep-static:default:	scep-static	scep-pkcsreq	MIICjDCCAXQCAQAwRzELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xFDASBgNVBAMTC3NjZXAtaXNzdWVkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAq/IlcgHFR6QpmDtQ7pWTkruqYekT8HdXxwJB11ZLlMM7guVylGRUeLDMzEwe/bkZXfNSa6EqQRP549JMrxR/3yOVN607E7vtz8qfH2OzrqTgW0X33hIv1oQY4AuXujteHRrw2EPdFC5J9Gdu/tgEiH/Mj4G9nHeKOFFX/OImsy5CaehDReiZ64IJssPshKCXf+GQBepFUTr3aVh0h8BCo5roS+Ze6cdgfKg5jBxUnhKlSQq2go1Q7NHXMQcePBfqpBji46ZL7QsBSv2IlfXIfhGUzGQIYFBkwXURt9dIMRwgN37y8oq8R462nnJn4xIg3UbpFMFJL4x/Eh9QAO5DdQIDAQABoAAwDQYJKoZIhvcNAQELBQADggEBAJD021erfaRZXFHaGK8amJufSfUjn5pAVGm/h/ewwtEewzYSw7/09yA41xchNXbEZocQ4eXxk7c0gQOt3fJjGiKrLeo2TzTKu3w/MdMjQtAxHuT7HSVo7aP2y4Ihj3MPairBnKuyUnc9p4pngLXEtkJY9aHNTYLa/jPGbpsEftop/caBwtOCXRVxNG4L7/JBaQKThisCdpZvfsbSVbOUqHdzc8YFxBH4giCD3ZpFfNgEfDY6RY2syGdO9vVmCc+ol273e8jrZojI9bX7D6f7UvQd1emlDwrd5bmlWNrE4uluzVr/zt+jzK5njbumqWzq7uCu//JKwx44Q8rd8Hufy0E=	7234CFD2AF63D06F852EED2C9968B9CD5565A1
held	zH6KTZ9at0e2EUTX5mh4lQ088vk=	9843b0fbca505c10d3d1251acfcafc79c0893394d7e8b22042f5793c28105227	1796548720.2994552	scep-static:held:	scep-static	scep-pkcsreq	MIICijCCAXICAQAwRTELMAkGA1UEBhMCVVMxFDASBgNVBAoTC3NjZXAtY2xpZW50MQwwCgYDVQQLEwNNRE0xEjAQBgNVBAMTCXNjZXAtaGVsZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBALkWkMxp4pUui24DdbBa8FBKSZA51YsBhhNBRZp3B3maLw4DxqctqqtMzOQPbZrTQfNRb7SkSYIBiX+ehcEz8uuGqTxBGEnr+98n/9QH83ltobzCL9TmD6Kf2i+XSX26fE8dGuy+Gc6lInElu1cJdUjoQNPY9mCMmVCAxZstHpdLhoQZaY2PTfJG9bVOdFxoXSlTyXow0xU19xEXMPggzKahvv3rlotwp0ZpzmZVIB8JmWzd/biajp7jDfLz8k0mNbec+59MIyZU/4IyVFw/MH9zEtkvljZwubWo1PIeHK16/VrgmQWMW+sT96WIA4bKTZzp3jDErdLt1JX0dqUNiGUCAwEAAaAAMA0GCSqGSIb3DQEBCwUAA4IBAQBCHpPGs8/TevnJIjmPSb5rzC4zfh3MvQ/p6TgU404QizSBjWlvU49nz5zr3i4y4J5mlLk5Sp6JOGyiGaKQsCcnoqVo9r5LBfg8bgrXXS2pMYEDqvm4gEVAof9IT+5CIzMLPFhJnw2+2/Q3QPwUudpbNfLgGvh4rrytcKTKZH8PNsCKL/UJ3fKjWe0TnsBpTa3cBuwvag9rqcyYTjMX5R+TE7bsfrNVDMfPD47+ILpIAPIsg9VPsJgxmw6q/noY8U7gZeYyOCaIlLCLu4bv4UgKN4+H5MwAoh1g3wSd7ybWUPEpSMSvzK9R99ZmT+jYcOEfEiT+MIKYH82oB7EL5EyM	\N
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

\unrestrict 5y15hy5JHz6IrUohChWVRKE4KU67ScZm26QX870pzsSIryTCP3eA6cYITGe1WCX

