package dev.rollcall.channels.transport;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's TLS context from a PEM certificate chain and a PEM private key, checked at start-up
 * so that a missing file, one that is not PEM, or a key that does not belong to the certificate
 * stops the endpoint with one sentence that says which file and why, not a stack trace at the first
 * handshake. Stateless.
 */
final class TlsContext {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private TlsContext() {}

  static SslContext load(Path certFile, Path keyFile) {
    String certText = read(certFile, "certificate");
    String keyText = read(keyFile, "private key");
    List<X509Certificate> chain = certificates(certFile, certText);
    PrivateKey key = privateKey(keyFile, keyText);
    if (!matches(key, chain.get(0))) {
      throw new IllegalArgumentException(
          "TLS private key " + keyFile + " does not belong to the certificate in " + certFile);
    }
    try {
      return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new)).build();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot use TLS files: " + e.getMessage(), e);
    }
  }

  private static String read(Path file, String what) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("TLS " + what + " file " + file + " does not exist");
    }
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "TLS " + what + " file " + file + " is not readable: " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> certificates(Path file, String text) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(text, "CERTIFICATE")) {
        chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "TLS certificate file " + file + " holds a certificate that does not parse", e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(
          "TLS certificate file " + file + " holds no PEM certificate (BEGIN CERTIFICATE)");
    }
    return chain;
  }

  /** PKCS#8 ({@code BEGIN PRIVATE KEY}), RSA or EC, unencrypted. */
  private static PrivateKey privateKey(Path file, String text) {
    List<byte[]> keys = blocks(text, "PRIVATE KEY");
    if (keys.isEmpty()) {
      String hint =
          text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
              ? ": it is in the legacy format; convert it with"
                  + " openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY8"
              : text.contains("ENCRYPTED PRIVATE KEY")
                  ? ": it is encrypted; give an unencrypted one"
                  : "";
      throw new IllegalArgumentException(
          "TLS key file " + file + " holds no PKCS#8 PEM private key (BEGIN PRIVATE KEY)" + hint);
    }
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm)
            .generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(
        "TLS key file " + file + " holds a private key that is not RSA, EC or Ed25519");
  }

  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm();
        };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // a key of another algorithm than the certificate's
    }
  }

  private static List<byte[]> blocks(String text, String label) {
    List<byte[]> blocks = new ArrayList<>();
    Matcher matcher = PEM.matcher(text);
    while (matcher.find()) {
      if (matcher.group(1).equals(label)) {
        blocks.add(Base64.getMimeDecoder().decode(matcher.group(2)));
      }
    }
    return blocks;
  }
}
