package io.hsmkit.client.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import java.nio.charset.StandardCharsets;
import javax.crypto.KeyAgreement;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keys and mechanisms against the real card in-JVM, every result checked with the JDK or BC. */
class KeyManagerTest {
  static final BouncyCastleProvider BC = new BouncyCastleProvider();
  static final byte[] PIN = LoggedInCard.PIN;
  static final byte[] MESSAGE = "Data to sign".getBytes(StandardCharsets.US_ASCII);

  SmartCardHsmSession session;
  KeyManager km;
  KeyOperations ops;

  @BeforeEach
  void setUp() throws Exception {
    session = LoggedInCard.session();
    km = new KeyManager(session);
    ops = new KeyOperations(session);
  }

  @Test
  void generate_firstKeyGetsReference1_withIdAndLabelLikeOpenSc() throws Exception {
    KeyInfo k = km.generate(KeySpec.parse("ec:prime256v1"), new byte[] {1}, "node-operator");
    assertThat(k.keyRef()).isEqualTo(1);
    assertThat(k.idHex()).isEqualTo("01");
    assertThat(k.label()).isEqualTo("node-operator");
    assertThat(k.algorithm()).isEqualTo("EC secp256r1");
    assertThat(k.sizeBits()).isEqualTo(256);
    assertThat(k.usage()).containsExactly("sign", "signRecover", "derive");
    KeyInfo r = km.generate(KeySpec.parse("rsa:1024"), null, "");
    assertThat(r.keyRef()).isEqualTo(2);
    // OpenSC's default id: SHA-1 of the modulus
    assertThat(r.id()).isEqualTo(KeyManager.intrinsicId(r.publicKey()));
    assertThat(km.list()).extracting(KeyInfo::keyRef).containsExactly(1, 2);
  }

  @Test
  void generate_duplicateId_refused() throws Exception {
    km.generate(KeySpec.parse("ec:secp256r1"), new byte[] {1}, "a");
    assertThatThrownBy(() -> km.generate(KeySpec.parse("ec:secp256r1"), new byte[] {1}, "b"))
        .isInstanceOf(HsmException.class).hasMessageContaining("exists already");
  }

  @Test
  void delete_removesKeyDescriptionAndRequest() throws Exception {
    KeyInfo k = km.generate(KeySpec.parse("ec:secp256k1"), new byte[] {7}, "x");
    km.delete(k.keyRef());
    assertThat(km.list()).isEmpty();
    assertThat(session.enumerate()).containsExactly(0xCC00, 0x2F02);
  }

  @Test
  void serial_isDeviceChrWithoutLast5() throws Exception {
    assertThat(km.serial()).startsWith("DEHK").hasSize(11);
  }

  @ParameterizedTest
  @EnumSource(value = Mechanism.class, names = {"ECDSA_SHA1", "ECDSA_SHA224", "ECDSA_SHA256", "ECDSA_SHA384", "ECDSA_SHA512"})
  void sign_ecdsa_verifiesLocally(Mechanism m) throws Exception {
    KeyInfo k = km.generate(KeySpec.parse("ec:brainpoolP256r1"), new byte[] {1}, "");
    byte[] sig = ops.sign(k, m, MESSAGE);
    Signature v = Signature.getInstance(m.hash().replace("-", "") + "withECDSA", BC);
    v.initVerify(k.publicKey());
    v.update(MESSAGE);
    assertThat(v.verify(sig)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = Mechanism.class, names = {"ECDSA_SHA384", "ECDSA_SHA512"})
  void sign_ecdsaP521_strictDerThatTheJdkVerifies(Mechanism m) throws Exception {
    KeyInfo k = km.generate(KeySpec.parse("ec:secp521r1"), new byte[] {3}, "");
    Signature v = Signature.getInstance(m.hash().replace("-", "") + "withECDSA", "SunEC");
    for (int i = 0; i < 40; i++) {
      byte[] sig = ops.sign(k, m, MESSAGE);
      // BC's DER encoding of the parsed value gives back the same bytes only for strict DER
      assertThat(org.bouncycastle.asn1.ASN1Primitive.fromByteArray(sig).getEncoded("DER"))
          .isEqualTo(sig);
      v.initVerify(k.publicKey());
      v.update(MESSAGE);
      assertThat(v.verify(sig)).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Mechanism.class, names = {"RSA_PKCS1_SHA384", "RSA_PKCS1_SHA512", "RSA_PSS_SHA384", "RSA_PSS_SHA512"})
  void sign_rsaSha384And512OnRsa2048_verifiesWithTheJdk(Mechanism m) throws Exception {
    KeyInfo k = km.generate(KeySpec.parse("rsa:2048"), new byte[] {4}, "");
    byte[] sig = ops.sign(k, m, MESSAGE);
    Signature v;
    if (m.isPss()) {
      v = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
      int len = java.security.MessageDigest.getInstance(m.hash()).getDigestLength();
      v.setParameter(new PSSParameterSpec(m.hash(), "MGF1", new MGF1ParameterSpec(m.hash()), len, 1));
    } else {
      v = Signature.getInstance(m.hash().replace("-", "") + "withRSA", "SunRsaSign");
    }
    v.initVerify(k.publicKey());
    v.update(MESSAGE);
    assertThat(v.verify(sig)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = Mechanism.class, names = {"RSA_PKCS1_SHA1", "RSA_PKCS1_SHA256", "RSA_PKCS1_SHA512", "RSA_PSS_SHA256", "RSA_PSS_SHA384"})
  void sign_rsa_verifiesWithTheJdk(Mechanism m) throws Exception {
    KeyInfo k = km.generate(KeySpec.parse("rsa:1024"), new byte[] {2}, "");
    byte[] sig = ops.sign(k, m, MESSAGE);
    String h = m.hash().replace("-", "");
    Signature v;
    if (m.isPss()) {
      v = Signature.getInstance("RSASSA-PSS");
      int len = java.security.MessageDigest.getInstance(m.hash()).getDigestLength();
      v.setParameter(new PSSParameterSpec(m.hash(), "MGF1", new MGF1ParameterSpec(m.hash()), len, 1));
    } else {
      v = Signature.getInstance(h + "withRSA");
    }
    v.initVerify(k.publicKey());
    v.update(MESSAGE);
    assertThat(v.verify(sig)).isTrue();
  }

  @Test
  void decrypt_pkcs1AndOaep_recoverWhatTheJdkEncrypted() throws Exception {
    KeyInfo k = km.generate(KeySpec.parse("rsa:2048"), new byte[] {3}, "");
    byte[] secret = "Data to encrypt".getBytes(StandardCharsets.US_ASCII);
    Cipher pkcs1 = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    pkcs1.init(Cipher.ENCRYPT_MODE, k.publicKey());
    assertThat(ops.decrypt(k, Mechanism.RSA_DECRYPT_PKCS1, pkcs1.doFinal(secret))).isEqualTo(secret);
    Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
    oaep.init(Cipher.ENCRYPT_MODE, k.publicKey(), new OAEPParameterSpec("SHA-256", "MGF1",
        MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
    assertThat(ops.decrypt(k, Mechanism.RSA_DECRYPT_OAEP_SHA256, oaep.doFinal(secret))).isEqualTo(secret);
    Cipher oaep1 = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
    oaep1.init(Cipher.ENCRYPT_MODE, k.publicKey());
    assertThat(ops.decrypt(k, Mechanism.RSA_DECRYPT_OAEP_SHA1, oaep1.doFinal(secret))).isEqualTo(secret);
    // the wrong mechanism is a clean error, not garbage
    assertThatThrownBy(() -> ops.decrypt(k, Mechanism.RSA_DECRYPT_OAEP_SHA256, pkcs1.doFinal(secret)))
        .isInstanceOf(HsmException.class);
    assertThatThrownBy(() -> ops.decrypt(k, Mechanism.RSA_DECRYPT_PKCS1, new byte[257]))
        .isInstanceOf(HsmException.class).hasMessageContaining("longer than the key's modulus (256 bytes)");
  }

  @Test
  void deriveEcdh_matchesLocalAgreement() throws Exception {
    KeyInfo k = km.generate(KeySpec.parse("ec:secp384r1"), new byte[] {4}, "");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair bob = g.generateKeyPair();
    byte[] onCard = ops.deriveEcdh(k, KeyManager.ecPoint((ECPublicKey) bob.getPublic()));
    KeyAgreement ka = KeyAgreement.getInstance("ECDH");
    ka.init(bob.getPrivate());
    ka.doPhase(k.publicKey(), true);
    assertThat(onCard).isEqualTo(ka.generateSecret());
  }

  @Test
  void wrongKeyType_isACleanError() throws Exception {
    KeyInfo ec = km.generate(KeySpec.parse("ec:secp256r1"), new byte[] {5}, "");
    assertThatThrownBy(() -> ops.sign(ec, Mechanism.RSA_PKCS1_SHA256, MESSAGE))
        .isInstanceOf(HsmException.class).hasMessageContaining("needs an RSA key");
  }
}
