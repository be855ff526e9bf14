package io.delpha.sdk.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WireMock answering as AWS KMS's JSON 1.1 API does (the AWS KMS API Reference, "Encrypt", "Decrypt", "Common
 * Errors"): {@code POST /} with {@code X-Amz-Target: TrentService.Encrypt} or {@code TrentService.Decrypt}, bodies and
 * answers of the reference's shapes ({@code kms/encrypt.json}, {@code kms/decrypt.json}, an error as {@code
 * {"__type": ..., "message": ...}} with HTTP 400 or 500, the files under {@code kms/}).
 *
 * <p>So that a wrapped key really round-trips, the answers come from {@link FakeKms}, a transformer that encrypts as KMS
 * does in kind: the ciphertext blob names the KMS key (as KMS's blobs do) and carries the plaintext sealed with AES-GCM
 * under a key of that KMS key's own, the encryption context as additional data. {@code Decrypt} naming another key is
 * {@code IncorrectKeyException}, a blob that does not open (damaged, another context) {@code
 * InvalidCiphertextException}, an unknown key {@code NotFoundException}: KMS's own refusals.
 */
final class KmsStubs {

  static final String KEY_A = "arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  static final String KEY_B = "arn:aws:kms:eu-west-2:111122223333:key/5678ef01-34cd-56ef-78ab-0987654321fe";
  static final String ALIAS_B = "alias/lake-pii";
  static final String UNKNOWN = "arn:aws:kms:eu-west-2:111122223333:key/0000dead-12ab-34cd-56ef-1234567890ab";
  static final String DISABLED = "arn:aws:kms:eu-west-2:111122223333:key/2222beef-12ab-34cd-56ef-1234567890ab";
  static final String PENDING_DELETION = "arn:aws:kms:eu-west-2:111122223333:key/3333f00d-12ab-34cd-56ef-1234567890ab";
  static final String SIGNING = "arn:aws:kms:eu-west-2:111122223333:key/4444cafe-12ab-34cd-56ef-1234567890ab";

  /** The keys this KMS has, by every name a caller may give (key ARN, alias), each to its key ARN. */
  static final Map<String, String> KEYS = Map.of(KEY_A, KEY_A, KEY_B, KEY_B, ALIAS_B, KEY_B);

  static final String JSON_11 = "application/x-amz-json-1.1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private KmsStubs() {}

  static String body(String file) {
    try (InputStream in = KmsStubs.class.getResourceAsStream("/kms/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every Encrypt and Decrypt answered by {@link FakeKms}. */
  static void stubKms(WireMockExtension wm) {
    for (String operation : new String[] {"Encrypt", "Decrypt"}) {
      wm.stubFor(post(urlEqualTo("/")).atPriority(5)
          .withHeader("X-Amz-Target", equalTo("TrentService." + operation))
          .withHeader("Content-Type", equalTo(JSON_11))
          .willReturn(aResponse().withStatus(200).withHeader("Content-Type", JSON_11)
              .withHeader("x-amzn-RequestId", "c0ffee00-0000-4000-8000-00000000c0de").withTransformers(FakeKms.NAME)));
    }
  }

  /** One operation on one key id answered with an error file of {@code kms/}. */
  static void stubError(WireMockExtension wm, String operation, String keyId, int status, String file) {
    wm.stubFor(post(urlEqualTo("/")).atPriority(1)
        .withHeader("X-Amz-Target", equalTo("TrentService." + operation))
        .withRequestBody(matchingJsonPath("$.KeyId", equalTo(keyId)))
        .willReturn(error(status, file)));
  }

  static ResponseDefinitionBuilder error(int status, String file) {
    return aResponse().withStatus(status).withHeader("Content-Type", JSON_11)
        .withHeader("x-amzn-RequestId", "c0ffee00-0000-4000-8000-00000000e404").withBody(body(file));
  }

  /** Answers Encrypt and Decrypt as KMS does, from the reference's answer files. */
  static final class FakeKms implements ResponseDefinitionTransformerV2 {
    static final String NAME = "fake-kms";
    private static final byte VERSION = 1;
    private final SecureRandom random = new SecureRandom();

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      try {
        JsonNode request = JSON.readTree(event.getRequest().getBodyAsString());
        String operation = event.getRequest().getHeader("X-Amz-Target");
        ResponseDefinitionBuilder like = ResponseDefinitionBuilder.like(event.getResponseDefinition());
        return (operation.endsWith(".Encrypt") ? encrypt(request, like) : decrypt(request, like)).build();
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    private ResponseDefinitionBuilder encrypt(JsonNode request, ResponseDefinitionBuilder like)
        throws IOException, GeneralSecurityException {
      String arn = KEYS.get(request.path("KeyId").asText());
      if (arn == null) {
        return refuse(like, "not-found.json");
      }
      byte[] plaintext = Base64.getDecoder().decode(request.path("Plaintext").asText());
      byte[] nonce = new byte[12];
      random.nextBytes(nonce);
      byte[] sealed = cipher(Cipher.ENCRYPT_MODE, arn, nonce, request).doFinal(plaintext);
      byte[] id = arn.getBytes(StandardCharsets.UTF_8);
      ByteBuffer blob = ByteBuffer.allocate(1 + 2 + id.length + nonce.length + sealed.length);
      blob.put(VERSION).putShort((short) id.length).put(id).put(nonce).put(sealed);
      ObjectNode answer = (ObjectNode) JSON.readTree(body("encrypt.json"));
      answer.put("CiphertextBlob", Base64.getEncoder().encodeToString(blob.array())).put("KeyId", arn);
      return like.withBody(JSON.writeValueAsString(answer));
    }

    private ResponseDefinitionBuilder decrypt(JsonNode request, ResponseDefinitionBuilder like) throws IOException {
      ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(request.path("CiphertextBlob").asText()));
      if (blob.remaining() < 3 || blob.get() != VERSION) {
        return refuse(like, "invalid-ciphertext.json");
      }
      int idLength = blob.getShort();
      if (idLength <= 0 || blob.remaining() < idLength + 12 + 16) {
        return refuse(like, "invalid-ciphertext.json");
      }
      byte[] id = new byte[idLength];
      blob.get(id);
      String arn = new String(id, StandardCharsets.UTF_8);
      if (request.has("KeyId")) {
        String named = KEYS.get(request.path("KeyId").asText());
        if (named == null) {
          return refuse(like, "not-found.json");
        }
        if (!named.equals(arn)) {
          return refuse(like, "incorrect-key.json");
        }
      }
      byte[] nonce = new byte[12];
      blob.get(nonce);
      byte[] plaintext;
      try {
        plaintext = cipher(Cipher.DECRYPT_MODE, arn, nonce, request).doFinal(blob.array(), blob.position(),
            blob.remaining());
      } catch (GeneralSecurityException e) {
        return refuse(like, "invalid-ciphertext.json");
      }
      ObjectNode answer = (ObjectNode) JSON.readTree(body("decrypt.json"));
      answer.put("Plaintext", Base64.getEncoder().encodeToString(plaintext)).put("KeyId", arn);
      return like.withBody(JSON.writeValueAsString(answer));
    }

    private static ResponseDefinitionBuilder refuse(ResponseDefinitionBuilder like, String file) {
      return like.withStatus(400).withBody(body(file));
    }

    /** AES-GCM under the KMS key's own key, the encryption context (sorted, as KMS canonicalises it) as AAD. */
    private static Cipher cipher(int mode, String arn, byte[] nonce, JsonNode request) throws GeneralSecurityException {
      byte[] key = MessageDigest.getInstance("SHA-256").digest(("fake-kms-key:" + arn).getBytes(StandardCharsets.UTF_8));
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      Map<String, String> context = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = request.path("EncryptionContext").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        context.put(e.getKey(), e.getValue().asText());
      }
      c.updateAAD(context.toString().getBytes(StandardCharsets.UTF_8));
      return c;
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return NAME;
    }
  }
}
