// Bouncy Castle's EST client (org.bouncycastle.est) driven from the command line for
// tests/test_bouncycastle.py.  Usage:
//   EstraClient <cacerts|enroll|reenroll|csrattrs|serverkeygen> --server HOST:PORT --ca CA.pem
//       [--label L] [--user U] [--cn CN] [--dns NAME] [--cert IN.pem --key IN.key]
//       [--out OUT.pem] [--out-key OUT.key]
// The Basic password is read from the environment variable ESTRA_PASSWORD (not argv).
// On failure: exit 1, "EstraClient: <exception>" on stderr (BC's ESTException message ends
// with "HTTP Status Code: <status>"), then the body of an HTTP error answer.

import java.io.FileReader;
import java.io.FileWriter;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.est.CSRRequestResponse;
import org.bouncycastle.est.ESTException;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.HttpAuth;
import org.bouncycastle.est.jcajce.JcaJceUtils;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;

public class EstraClient {
    public static void main(String[] argv) {
        try {
            if (argv.length == 0 || argv.length % 2 == 0) {
                throw new IllegalArgumentException("usage: EstraClient <command> --option value ...");
            }
            Map<String, String> o = new HashMap<>();
            for (int i = 1; i < argv.length; i += 2) {
                o.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
            }
            Security.addProvider(new BouncyCastleProvider());  // BC's trust manager asks for "BC"
            run(argv[0], o);
        } catch (Exception e) {
            System.err.println("EstraClient: " + e);
            if (e instanceof ESTException && ((ESTException) e).getBody() != null) {
                try {  // the server's text/plain reason
                    System.err.write(((ESTException) e).getBody().readAllBytes());
                } catch (java.io.IOException ignored) {
                }
            }
            System.exit(1);
        }
    }

    static void run(String command, Map<String, String> o) throws Exception {
        X509Certificate ca = (X509Certificate) read(need(o, "ca"));
        JsseESTServiceBuilder builder = new JsseESTServiceBuilder(need(o, "server"),
            JcaJceUtils.getCertPathTrustManager(Collections.singleton(new TrustAnchor(ca, null)), null));
        builder.withTimeout(30000);
        if (o.containsKey("label")) {
            builder.withLabel(o.get("label"));
        }
        if (o.containsKey("cert")) {  // TLS client authentication with a certificate we hold
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", (PrivateKey) read(need(o, "key")), new char[0],
                new Certificate[]{(X509Certificate) read(o.get("cert")), ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            builder.withKeyManagers(kmf.getKeyManagers());
        }
        ESTService est = builder.build();
        HttpAuth auth = o.containsKey("user")
            ? new HttpAuth("estra", o.get("user"), System.getenv("ESTRA_PASSWORD").toCharArray()) : null;

        switch (command) {
        case "cacerts":
            try (JcaPEMWriter w = pem(need(o, "out"))) {
                for (X509CertificateHolder c : ESTService.storeToArray(est.getCACerts().getCertificateStore())) {
                    w.writeObject(c);
                }
            }
            break;
        case "csrattrs":
            CSRRequestResponse attrs = est.getCSRAttributes();
            if (!attrs.hasAttributesResponse() || attrs.getAttributesResponse().isEmpty()) {
                System.out.println("none");
            } else {
                for (ASN1ObjectIdentifier oid : attrs.getAttributesResponse().getRequirements()) {
                    System.out.println(oid.getId());
                }
            }
            break;
        case "enroll":
        case "reenroll":
        case "serverkeygen":
            KeyPair kp = newKey();
            // reenroll: the subject and SAN of the certificate being renewed (RFC 7030 4.2.2)
            X509CertificateHolder old = o.containsKey("cn") ? null
                : new JcaX509CertificateHolder((X509Certificate) read(need(o, "cert")));
            JcaPKCS10CertificationRequestBuilder csr = new JcaPKCS10CertificationRequestBuilder(
                old == null ? new X500Name("CN=" + o.get("cn")) : old.getSubject(), kp.getPublic());
            ExtensionsGenerator ext = new ExtensionsGenerator();
            if (o.containsKey("dns")) {
                ext.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, o.get("dns"))));
            } else if (old != null && old.getExtension(Extension.subjectAlternativeName) != null) {
                ext.addExtension(old.getExtension(Extension.subjectAlternativeName));
            }
            if (!ext.isEmpty()) {
                csr.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            }
            PKCS10CertificationRequest req = csr.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
            EnrollmentResponse r = command.equals("serverkeygen")
                ? est.simpleEnrollWithServersideCreation(req, auth)
                : est.simpleEnroll(command.equals("reenroll"), req, auth);
            if (!r.isCompleted()) {
                throw new IllegalStateException("not completed: retry after "
                    + (r.getNotBefore() - System.currentTimeMillis() + 999) / 1000 + "s");
            }
            try (JcaPEMWriter w = pem(need(o, "out"))) {
                for (X509CertificateHolder c : ESTService.storeToArray(r.getStore())) {
                    w.writeObject(c);
                }
            }
            PrivateKeyInfo key = command.equals("serverkeygen") ? r.getPrivateKeyInfo()
                : PrivateKeyInfo.getInstance(kp.getPrivate().getEncoded());
            try (JcaPEMWriter w = pem(need(o, "out-key"))) {
                w.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));  // PKCS#8
            }
            break;
        default:
            throw new IllegalArgumentException("unknown command " + command);
        }
    }

    static KeyPair newKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static String need(Map<String, String> o, String name) {
        if (!o.containsKey(name)) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return o.get(name);
    }

    static JcaPEMWriter pem(String path) throws Exception {
        return new JcaPEMWriter(new FileWriter(path));
    }

    /** The first object of a PEM file: a certificate or a private key (PKCS#8 or SEC1). */
    static Object read(String path) throws Exception {
        try (PEMParser p = new PEMParser(new FileReader(path))) {
            Object obj = p.readObject();
            if (obj instanceof X509CertificateHolder) {
                return new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) obj);
            }
            if (obj instanceof PrivateKeyInfo) {
                return new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) obj);
            }
            if (obj instanceof PEMKeyPair) {
                return new JcaPEMKeyConverter().getPrivateKey(((PEMKeyPair) obj).getPrivateKeyInfo());
            }
            throw new IllegalArgumentException(path + ": no certificate or private key");
        }
    }
}
