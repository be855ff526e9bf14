package io.delpha.sdk.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.aws.KmsStubs.ALIAS_B;
import static io.delpha.sdk.aws.KmsStubs.DISABLED;
import static io.delpha.sdk.aws.KmsStubs.KEY_A;
import static io.delpha.sdk.aws.KmsStubs.KEY_B;
import static io.delpha.sdk.aws.KmsStubs.PENDING_DELETION;
import static io.delpha.sdk.aws.KmsStubs.SIGNING;
import static io.delpha.sdk.aws.KmsStubs.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.secrets.SecretProviderTest;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.FileDecryption;
import io.delpha.sdk.parquet.FileEncryption;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AwsKmsClient}, the AWS SDK's own KMS client underneath, against WireMock answering as the KMS API reference
 * shows ({@link KmsStubs}): keys wrapped by {@code Encrypt} and unwrapped by {@code Decrypt} naming the master key,
 * Parquet files encrypted with it and read back, and every refusal typed, never naming a key.
 */
@DisplayName("AwsKmsClient against KMS's Encrypt and Decrypt (JSON 1.1)")
class AwsKmsClientTest {

  static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final byte[] DATA_KEY = "data-key-0123456789abcdef-ABCDEF".getBytes(StandardCharsets.US_ASCII);

  @RegisterExtension
  static WireMockExtension aws = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().extensions(new KmsStubs.FakeKms())).build();

  @TempDir Path tmp;

  AwsKmsClient kms;

  @BeforeEach
  void open() {
    KmsStubs.stubKms(aws);
    kms = client(b -> { });
  }

  @AfterEach
  void close() {
    kms.close();
  }

  static AwsKmsClient client(Consumer<AwsKmsClient.Builder> more) {
    return clientAt(URI.create(aws.baseUrl()), more);
  }

  static AwsKmsClient clientAt(URI endpoint, Consumer<AwsKmsClient.Builder> more) {
    AwsKmsClient.Builder b = AwsKmsClient.builder().region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", SECRET_KEY).endpointOverride(endpoint);
    more.accept(b);
    return b.build();
  }

  @Test
  @DisplayName("wrapKey is Encrypt (KeyId, base64 plaintext), signed; the wrapped key is the blob's base64; unwrapKey "
      + "is Decrypt naming the key, and gives the key back")
  void wrapAndUnwrap() {
    String wrapped = kms.wrapKey(DATA_KEY, KEY_A);

    assertThat(Base64.getDecoder().decode(wrapped)).isNotEqualTo(DATA_KEY);
    assertThat(wrapped).doesNotContain(Base64.getEncoder().encodeToString(DATA_KEY));
    aws.verify(1, postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("TrentService.Encrypt"))
        .withHeader("Content-Type", equalTo(KmsStubs.JSON_11))
        .withHeader("Authorization", containing("AWS4-HMAC-SHA256"))
        .withHeader("Authorization", containing("/eu-west-2/kms/aws4_request"))
        .withRequestBody(equalToJson("{\"KeyId\":\"" + KEY_A + "\",\"Plaintext\":\""
            + Base64.getEncoder().encodeToString(DATA_KEY) + "\"}")));

    assertThat(kms.unwrapKey(wrapped, KEY_A)).isEqualTo(DATA_KEY);
    aws.verify(1, postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("TrentService.Decrypt"))
        .withRequestBody(equalToJson("{\"KeyId\":\"" + KEY_A + "\",\"CiphertextBlob\":\"" + wrapped + "\"}")));
  }

  @Test
  @DisplayName("an alias works as the master key id; a key another KMS key wrapped is refused (IncorrectKeyException), "
      + "DataFormatException")
  void anotherKeysWrappedKeyIsRefused() {
    String wrappedByB = kms.wrapKey(DATA_KEY, ALIAS_B);
    assertThat(kms.unwrapKey(wrappedByB, KEY_B)).isEqualTo(DATA_KEY);
    assertThat(kms.unwrapKey(wrappedByB, ALIAS_B)).isEqualTo(DATA_KEY);

    assertThatThrownBy(() -> kms.unwrapKey(wrappedByB, KEY_A))
        .isInstanceOf(DataFormatException.class).hasMessageContaining(KEY_A).hasMessageContaining("IncorrectKey")
        .satisfies(AwsKmsClientTest::showsNoKey);
  }

  @Test
  @DisplayName("an encryption context is sent with both calls and binds the wrapped key: without it, or with another, "
      + "Decrypt refuses (InvalidCiphertextException), DataFormatException")
  void encryptionContext() {
    try (AwsKmsClient lake = client(b -> b.encryptionContext(Map.of("lake", "customers", "table", "accounts")));
        AwsKmsClient other = client(b -> b.encryptionContext(Map.of("lake", "suppliers")))) {
      String wrapped = lake.wrapKey(DATA_KEY, KEY_A);
      aws.verify(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService.Encrypt"))
          .withRequestBody(matchingJsonPath("$.EncryptionContext.lake", equalTo("customers")))
          .withRequestBody(matchingJsonPath("$.EncryptionContext.table", equalTo("accounts"))));

      assertThat(lake.unwrapKey(wrapped, KEY_A)).isEqualTo(DATA_KEY);
      for (AwsKmsClient wrong : List.of(kms, other)) {
        assertThatThrownBy(() -> wrong.unwrapKey(wrapped, KEY_A))
            .isInstanceOf(DataFormatException.class).hasMessageContaining("InvalidCiphertextException")
            .satisfies(AwsKmsClientTest::showsNoKey);
      }
      assertThat(lake.toString()).contains("encryptionContext=[lake, table]").doesNotContain(SECRET_KEY);
    }
  }

  static final RowSchema SCHEMA = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .nullable("name", ColumnType.STRING)
      .nullable("ssn", ColumnType.STRING)
      .required("amount", ColumnType.DOUBLE)
      .build();

  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      rows.add(Row.of(SCHEMA, (long) i, i % 11 == 0 ? null : "customer-" + i % 17,
          i % 7 == 0 ? null : String.format("%03d-%02d-%04d", i % 900, i % 90, i), i * 0.25));
    }
    return rows;
  }

  static List<List<Object>> values(List<Row> rows) {
    List<List<Object>> out = new ArrayList<>();
    for (Row r : rows) {
      List<Object> v = new ArrayList<>();
      for (int c = 0; c < r.schema().size(); c++) {
        v.add(r.get(c));
      }
      out.add(v);
    }
    return out;
  }

  static List<Row> read(Path file, ReadOptions options) {
    List<Row> out = new ArrayList<>();
    try (RowReader r = ParquetRows.read(file, options)) {
      while (r.hasNext()) {
        out.add(r.next());
      }
    }
    return out;
  }

  @ParameterizedTest(name = "double wrapping {0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("a Parquet file written with FileEncryption.kms(AwsKmsClient) (footer and a column on their master "
      + "keys) reads back with FileDecryption.kms(AwsKmsClient), every value equal")
  void parquetRoundTrip(boolean doubleWrapping) {
    Path file = tmp.resolve("customers.parquet");
    FileEncryption encryption = FileEncryption.builder().kms(kms).footerMasterKey(KEY_A)
        .columnMasterKey("ssn", ALIAS_B).columnMasterKey("amount", KEY_A).doubleWrapping(doubleWrapping).build();
    List<Row> written = rows();
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, WriteOptions.defaults().withEncryption(encryption))) {
      for (Row r : written) {
        w.write(r);
      }
    }
    List<LoggedRequest> encrypts = aws.findAll(postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("TrentService.Encrypt")));
    assertThat(encrypts).extracting(r -> r.getBodyAsString().contains(KEY_A) ? "A" : "B").contains("A", "B");

    assertThatThrownBy(() -> read(file, ReadOptions.defaults())).isInstanceOf(InvalidInputException.class);

    try (AwsKmsClient reader = client(b -> { })) {
      List<Row> back = read(file, ReadOptions.defaults().withDecryption(FileDecryption.builder().kms(reader).build()));
      assertThat(values(back)).isEqualTo(values(written));
    }
    aws.verify(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService.Decrypt"))
        .withRequestBody(matchingJsonPath("$.KeyId", equalTo(ALIAS_B))));
  }

  @Test
  @DisplayName("a KMS refusal while reading a Parquet file fails the read with its typed exception")
  void refusalFailsTheRead() {
    Path file = tmp.resolve("denied.parquet");
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, WriteOptions.defaults().withEncryption(
        FileEncryption.builder().kms(kms).footerMasterKey(KEY_A).build()))) {
      rows().forEach(w::write);
    }
    KmsStubs.stubError(aws, "Decrypt", KEY_A, 400, "access-denied.json");
    assertThatThrownBy(() -> read(file, ReadOptions.defaults().withDecryption(FileDecryption.builder().kms(kms)
        .build())))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("kms:Decrypt")
        .satisfies(AwsKmsClientTest::showsNoKey);
  }

  @Test
  @DisplayName("an unknown key is NotFoundException; a disabled key, or one pending deletion, ConflictException")
  void missingAndDisabledKeys() {
    expect(() -> kms.wrapKey(DATA_KEY, UNKNOWN), NotFoundException.class, UNKNOWN);
    KmsStubs.stubError(aws, "Encrypt", DISABLED, 400, "disabled.json");
    expect(() -> kms.wrapKey(DATA_KEY, DISABLED), ConflictException.class, "DisabledException");
    KmsStubs.stubError(aws, "Decrypt", PENDING_DELETION, 400, "pending-deletion.json");
    String wrapped = kms.wrapKey(DATA_KEY, KEY_A);
    expect(() -> kms.unwrapKey(wrapped, PENDING_DELETION), ConflictException.class, "KMSInvalidStateException");
  }

  @Test
  @DisplayName("a damaged or non-KMS wrapped key is DataFormatException, the base64 check before any call")
  void damagedWrappedKey() {
    String wrapped = kms.wrapKey(DATA_KEY, KEY_A);
    byte[] blob = Base64.getDecoder().decode(wrapped);
    blob[blob.length - 1] ^= 1;
    expect(() -> kms.unwrapKey(Base64.getEncoder().encodeToString(blob), KEY_A), DataFormatException.class,
        "InvalidCiphertextException");
    int calls = aws.getAllServeEvents().size();
    expect(() -> kms.unwrapKey("not base64 at all!", KEY_A), DataFormatException.class, "not base64");
    assertThat(aws.getAllServeEvents()).hasSize(calls);
  }

  @Test
  @DisplayName("a key for signing is InvalidInputException; a blank master key id or an empty key is refused before "
      + "any call")
  void invalidUse() {
    KmsStubs.stubError(aws, "Encrypt", SIGNING, 400, "invalid-key-usage.json");
    expect(() -> kms.wrapKey(DATA_KEY, SIGNING), InvalidInputException.class, "ENCRYPT_DECRYPT");
    int calls = aws.getAllServeEvents().size();
    expect(() -> kms.wrapKey(DATA_KEY, " "), InvalidInputException.class, "blank");
    expect(() -> kms.unwrapKey("AAAA", ""), InvalidInputException.class, "blank");
    expect(() -> kms.wrapKey(new byte[0], KEY_A), InvalidInputException.class, "empty");
    assertThat(aws.getAllServeEvents()).hasSize(calls);
  }

  @Test
  @DisplayName("AccessDeniedException is AccessDeniedException; refused credentials AuthenticationException")
  void refusedIdentity() {
    KmsStubs.stubError(aws, "Encrypt", KEY_B, 400, "access-denied.json");
    expect(() -> kms.wrapKey(DATA_KEY, KEY_B), AccessDeniedException.class, "kms:Encrypt");
    KmsStubs.stubError(aws, "Encrypt", KEY_A, 400, "unrecognized-client.json");
    expect(() -> kms.wrapKey(DATA_KEY, KEY_A), AuthenticationException.class, "UnrecognizedClientException");
  }

  @Test
  @DisplayName("throttling past the retry policy is RateLimitedException, after exactly the policy's attempts")
  void throttled() {
    try (AwsKmsClient twice = client(b -> b.retryPolicy(RetryPolicy.builder().maxAttempts(2)
        .initialDelay(Duration.ZERO).build()))) {
      KmsStubs.stubError(aws, "Encrypt", KEY_A, 400, "throttling.json");
      expect(() -> twice.wrapKey(DATA_KEY, KEY_A), RateLimitedException.class, "ThrottlingException");
      aws.verify(2, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("TrentService.Encrypt")));
    }
  }

  @Test
  @DisplayName("a failing or unreachable KMS is ServiceUnavailableException")
  void unavailable() throws IOException {
    try (AwsKmsClient once = client(b -> b.retryPolicy(RetryPolicy.none()))) {
      KmsStubs.stubError(aws, "Encrypt", KEY_A, 500, "internal.json");
      expect(() -> once.wrapKey(DATA_KEY, KEY_A), ServiceUnavailableException.class, "KMSInternalException");
    }
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (AwsKmsClient down = clientAt(URI.create("http://127.0.0.1:" + closedPort),
        b -> b.retryPolicy(RetryPolicy.none()))) {
      expect(() -> down.wrapKey(DATA_KEY, KEY_A), ServiceUnavailableException.class, KEY_A);
    }
  }

  @Test
  @DisplayName("toString names the settings, never a credential")
  void toStringShowsNoSecret() {
    assertThat(kms.toString()).contains("AwsKmsClient", "eu-west-2").doesNotContain(SECRET_KEY);
  }

  private static void expect(ThrowingCallable call, Class<? extends Throwable> type, String named) {
    assertThatThrownBy(call).isInstanceOf(type).hasMessageContaining(named).satisfies(AwsKmsClientTest::showsNoKey);
  }

  /** Neither the data key (as text, base64 or hex) nor the secret access key anywhere in the failure or its causes. */
  static void showsNoKey(Throwable e) {
    String text = SecretProviderTest.stackText(e);
    assertThat(text).doesNotContain(new String(DATA_KEY, StandardCharsets.US_ASCII))
        .doesNotContain(Base64.getEncoder().encodeToString(DATA_KEY))
        .doesNotContain(HexFormat.of().formatHex(DATA_KEY))
        .doesNotContain(SECRET_KEY);
  }
}
