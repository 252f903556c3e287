// Bouncy Castle's reading of estra's CMC messages (tests/test_cmc.py).
//   CmcCheck response FILE       -> "status=N fail=N|- bodies=[..] certs=N signer=OK|BAD|NONE"
//   CmcCheck request FILE        -> "tcr=ID,.. signer=OK|BAD" (SKI signer checked with the CSR key)
//   CmcCheck build FILE          -> writes a BC-made Full PKI Request (EC, SKI signer)
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.bouncycastle.asn1.*;
import org.bouncycastle.asn1.cmc.*;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.*;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.util.Store;

public class CmcCheck {
    static String signers(CMSSignedData sd, List<PublicKey> keys) throws Exception {
        Collection<SignerInformation> infos = sd.getSignerInfos().getSigners();
        if (infos.isEmpty()) return "NONE";
        Store<X509CertificateHolder> store = sd.getCertificates();
        for (SignerInformation si : infos) {
            boolean ok = false;
            for (Object o : store.getMatches(si.getSID())) {
                ok |= si.verify(new JcaSimpleSignerInfoVerifierBuilder().build((X509CertificateHolder) o));
            }
            for (PublicKey k : keys) {
                if (!ok) ok = si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(k));
            }
            if (!ok) return "BAD";
        }
        return "OK";
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (mode.equals("build")) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate());
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(
                new X500Name("CN=bc device"), kp.getPublic()).build(signer);
            TaggedRequest tcr = TaggedRequest.getInstance(new DERTaggedObject(false, 0, new DERSequence(
                new ASN1Encodable[] {new ASN1Integer(7), csr.toASN1Structure()})));
            TaggedAttribute tid = new TaggedAttribute(new BodyPartID(1),
                CMCObjectIdentifiers.id_cmc_transactionId, new DERSet(new ASN1Integer(4242)));
            TaggedAttribute nonce = new TaggedAttribute(new BodyPartID(2),
                CMCObjectIdentifiers.id_cmc_senderNonce, new DERSet(new DEROctetString(new byte[] {1, 2, 3, 4})));
            PKIData data = new PKIData(new TaggedAttribute[] {tid, nonce}, new TaggedRequest[] {tcr},
                new TaggedContentInfo[0], new OtherMsg[0]);
            byte[] ski = new JcaX509ExtensionUtils().createSubjectKeyIdentifier(kp.getPublic())
                .getKeyIdentifier();
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                new JcaDigestCalculatorProviderBuilder().build()).build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()), ski));
            CMSSignedData sd = gen.generate(new CMSProcessableByteArray(
                CMCObjectIdentifiers.id_cct_PKIData, data.getEncoded()), true);
            Files.write(Paths.get(args[1]), sd.getEncoded());
            return;
        }
        CMSSignedData sd = new CMSSignedData(Files.readAllBytes(Paths.get(args[1])));
        byte[] content = (byte[]) sd.getSignedContent().getContent();
        String type = sd.getSignedContentTypeOID();
        if (mode.equals("response")) {
            if (!type.equals(CMCObjectIdentifiers.id_cct_PKIResponse.getId())) throw new Exception("type " + type);
            PKIResponse r = PKIResponse.getInstance(content);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < r.getControlSequence().size(); i++) {
                TaggedAttribute t = TaggedAttribute.getInstance(r.getControlSequence().getObjectAt(i));
                if (!t.getAttrType().equals(CMCObjectIdentifiers.id_cmc_statusInfoV2)) continue;
                CMCStatusInfoV2 s = CMCStatusInfoV2.getInstance(t.getAttrValues().getObjectAt(0));
                out.append("status=").append(ASN1Integer.getInstance(s.getcMCStatus().toASN1Primitive()).getValue());
                String fail = "-";
                if (s.hasOtherInfo() && s.getOtherStatusInfo().isFailInfo())
                    fail = ASN1Integer.getInstance(s.getOtherStatusInfo().toASN1Primitive()).getValue().toString();
                out.append(" fail=").append(fail).append(" bodies=[");
                for (BodyPartID b : s.getBodyList()) out.append(b.getID()).append(",");
                out.append("]");
            }
            out.append(" certs=").append(sd.getCertificates().getMatches(null).size());
            out.append(" signer=").append(signers(sd, new ArrayList<>()));
            System.out.println(out);
        } else {
            if (!type.equals(CMCObjectIdentifiers.id_cct_PKIData.getId())) throw new Exception("type " + type);
            PKIData d = PKIData.getInstance(content);
            StringBuilder out = new StringBuilder("tcr=");
            List<PublicKey> keys = new ArrayList<>();
            for (TaggedRequest t : d.getReqSequence()) {
                if (t.getTagNo() != TaggedRequest.TCR) throw new Exception("not a tcr");
                ASN1Sequence tcr = ASN1Sequence.getInstance(t.getValue().toASN1Primitive().getEncoded());
                out.append(ASN1Integer.getInstance(tcr.getObjectAt(0)).getValue()).append(",");
                JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(
                    org.bouncycastle.asn1.pkcs.CertificationRequest.getInstance(tcr.getObjectAt(1)))
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
                keys.add(csr.getPublicKey());
            }
            out.append(" cms=").append(d.getCmsSequence().length);
            out.append(" signer=").append(signers(sd, keys));
            System.out.println(out);
        }
    }
}
