package io.delpha.sdk.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The library's one JWT signer, for the OAuth 2.0 JWT bearer assertions it sends (Salesforce's JWT flow, a Delta
 * Sharing {@code oauth_jwt_bearer_private_key_jwt} profile): an RSA private key read from PEM-encoded PKCS#8, a
 * compact JWS signed with RS256, RS384 or RS512. Messages never quote a key.
 */
public final class Jwt {

  /** The signing algorithms this signer knows, by their JWS names. */
  public static final Set<String> ALGORITHMS = Set.of("RS256", "RS384", "RS512");

  private static final Base64.Encoder URL_BASE64 = Base64.getUrlEncoder().withoutPadding();

  private Jwt() {}

  /**
   * Reads an RSA private key in PEM-encoded PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}).
   *
   * @param pem the PEM text
   * @return the key
   * @throws InvalidInputException if it is not a PKCS#8 RSA key (the message never quotes it)
   */
  public static PrivateKey readPkcs8Pem(Secret pem) {
    String text = pem.reveal();
    if (text.contains("BEGIN RSA PRIVATE KEY")) {
      throw new InvalidInputException("the JWT private key is PKCS#1 (BEGIN RSA PRIVATE KEY); convert it "
          + "to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
    }
    if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new InvalidInputException(
          "the JWT private key must be PEM-encoded PKCS#8 (-----BEGIN PRIVATE KEY-----)");
    }
    String base64 = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(base64);
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new InvalidInputException("the JWT private key is not a readable RSA PKCS#8 key ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Signs a JWT.
   *
   * @param algorithm {@code RS256}, {@code RS384} or {@code RS512}
   * @param header header fields besides {@code alg} (a {@code kid}), in order; may be empty
   * @param claims the claims, in order
   * @param key the RSA private key
   * @return the compact serialisation, {@code header.claims.signature}
   * @throws InvalidInputException if the algorithm is not one of {@link #ALGORITHMS} or signing fails
   */
  public static String sign(String algorithm, Map<String, ?> header, Map<String, ?> claims, PrivateKey key) {
    String alg = algorithm.toUpperCase(Locale.ROOT);
    if (!ALGORITHMS.contains(alg)) {
      throw new InvalidInputException("the JWT algorithm must be one of " + ALGORITHMS.stream().sorted().toList());
    }
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("alg", alg);
    h.putAll(header);
    try {
      String signingInput = URL_BASE64.encodeToString(JsonSupport.MAPPER.writeValueAsBytes(h)) + "."
          + URL_BASE64.encodeToString(JsonSupport.MAPPER.writeValueAsBytes(claims));
      Signature signer = Signature.getInstance("SHA" + alg.substring(2) + "withRSA");
      signer.initSign(key);
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + URL_BASE64.encodeToString(signer.sign());
    } catch (JsonProcessingException | GeneralSecurityException e) {
      throw new InvalidInputException("could not sign the JWT assertion (" + e.getClass().getSimpleName() + ")");
    }
  }
}
