package io.delpha.sdk.server;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.internal.Endpoints;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How an embedded HTTP service of the library (the upload endpoint, the usage-analytics service)
 * listens: address, TLS and the limits that keep one client from starving the others. Immutable; tweak
 * with {@link #toBuilder()}.
 *
 * <p>Plain HTTP is served only on a loopback address unless {@link Builder#allowPlainHttp(boolean)} says
 * otherwise (behind a TLS-terminating proxy, say): credentials travel in request headers.
 *
 * <pre>{@code
 * ServerOptions opts = ServerOptions.builder()
 *     .address(new InetSocketAddress("0.0.0.0", 8443))
 *     .tls(ServerTls.pem(certPem, keyPem))
 *     .build();
 * }</pre>
 *
 * <p>Built only by its {@link Builder} (no public constructor); equal when every setting is equal; {@link
 * #toString()} names the TLS material's files, never a password.
 */
public final class ServerOptions {

  private final InetSocketAddress address;
  private final @Nullable ServerTls tls;
  private final boolean allowPlainHttp;
  private final int maxConnections;
  private final Duration idleTimeout;
  private final int maxHeaderBytes;
  private final long maxBodyBytes;
  private final int threads;
  private final int maxConcurrentPasswordChecks;
  private final int maxConnectionsPerAddress;
  private final Duration headerTimeout;
  private final int minRequestDataRate;
  private final int maxQueuedPasswordChecks;
  private final int passwordFailuresAllowed;
  private final Duration passwordBackoffLimit;

  private ServerOptions(Builder b) {
    if (b.maxConnections < 1 || b.threads < 2 || b.maxHeaderBytes < 1024 || b.maxBodyBytes < 0
        || b.maxConcurrentPasswordChecks < 1 || !positive(b.idleTimeout) || b.maxConnectionsPerAddress < 1
        || !positive(b.headerTimeout) || b.minRequestDataRate < 0 || b.maxQueuedPasswordChecks < 0
        || b.passwordFailuresAllowed < 1 || !positive(b.passwordBackoffLimit)) {
      throw new InvalidInputException("server limits must be positive (threads >= 2, header bytes >= 1024; a data "
          + "rate and a password queue may be 0)");
    }
    if (b.tls == null && !b.allowPlainHttp && !b.address.getAddress().isLoopbackAddress()) {
      throw new InvalidInputException("plain HTTP listens on loopback only (" + Endpoints.format(b.address)
          + " is not): give TLS key material, or allowPlainHttp(true) behind a TLS-terminating proxy");
    }
    this.address = b.address;
    this.tls = b.tls;
    this.allowPlainHttp = b.allowPlainHttp;
    this.maxConnections = b.maxConnections;
    this.idleTimeout = b.idleTimeout;
    this.maxHeaderBytes = b.maxHeaderBytes;
    this.maxBodyBytes = b.maxBodyBytes;
    this.threads = b.threads;
    this.maxConcurrentPasswordChecks = b.maxConcurrentPasswordChecks;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.headerTimeout = b.headerTimeout;
    this.minRequestDataRate = b.minRequestDataRate;
    this.maxQueuedPasswordChecks = b.maxQueuedPasswordChecks;
    this.passwordFailuresAllowed = b.passwordFailuresAllowed;
    this.passwordBackoffLimit = b.passwordBackoffLimit;
  }

  private static boolean positive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  /** @return where to listen (port 0: any free port) */
  public InetSocketAddress address() {
    return address;
  }

  /** @return HTTPS key material, or {@code null} for plain HTTP */
  public @Nullable ServerTls tls() {
    return tls;
  }

  /** @return whether plain HTTP may listen on a non-loopback address */
  public boolean allowPlainHttp() {
    return allowPlainHttp;
  }

  /** @return connections served at once; more wait in the accept queue */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * @return connections one client address may hold open at once (an IPv6 address counts by its /64 network); a
   *     connection beyond it is closed as soon as it is accepted, so that one address cannot fill {@link
   *     #maxConnections()}. Clients behind one NAT or proxy share an address: raise it for them
   */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /**
   * @return how long a request's line and headers may take to arrive: from a connection's opening for its first
   *     request (a TLS handshake included), and from the first byte of each next request on a kept-alive connection.
   *     Past it the connection is closed without an answer, however steadily bytes still trickle in (which the {@link
   *     #idleTimeout()} alone never ends)
   */
  public Duration headerTimeout() {
    return headerTimeout;
  }

  /**
   * @return the least rate of a request body, in bytes per second: once {@link #headerTimeout()} has passed since a
   *     handler started reading a body, the body must have brought this many bytes for every second past it; a slower
   *     body fails, its request is answered {@code 408 too_slow} if it still can be, and its connection is closed. 0:
   *     no minimum (the idle timeout alone ends a stall)
   */
  public int minRequestDataRate() {
    return minRequestDataRate;
  }

  /**
   * @return how long a connection may send nothing (a stalled request line, header or body included) before it is
   *     closed
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** @return the largest request line plus headers accepted (431 beyond) */
  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /** @return the largest request body of routes that set no limit of their own (413 beyond) */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /** @return request threads */
  public int threads() {
    return threads;
  }

  /** @return password verifications run at once (a flood of bad credentials waits instead of taking every core) */
  public int maxConcurrentPasswordChecks() {
    return maxConcurrentPasswordChecks;
  }

  /**
   * @return password verifications that may wait for a turn; one more is refused at once with {@code 429
   *     too_many_attempts} and a {@code Retry-After}, so a flood holds at most this many request threads waiting
   */
  public int maxQueuedPasswordChecks() {
    return maxQueuedPasswordChecks;
  }

  /**
   * @return failed password checks a client address (or an account) may make before it backs off: each further
   *     failure doubles a wait, from 1 second up to {@link #passwordBackoffLimit()}, during which the address's checks
   *     are refused {@code 429 too_many_attempts} with a {@code Retry-After}, without any password work. An account's
   *     back-off refuses only addresses that have themselves failed lately: a client from a clean address is still
   *     checked, so no one can lock a customer out by failing in the customer's name (see {@link
   *     HttpService#passwordCheck(Exchange, String, java.util.function.Supplier)})
   */
  public int passwordFailuresAllowed() {
    return passwordFailuresAllowed;
  }

  /**
   * @return the longest password back-off; an address or account whose last failure is older than this is forgotten
   */
  public Duration passwordBackoffLimit() {
    return passwordBackoffLimit;
  }

  /**
   * @param address where to listen
   * @return defaults on that address: plain HTTP (loopback only), 256 connections, 32 per client address, 30 s idle
   *     timeout, 10 s for a request's headers, bodies at 1 KiB/s at least, 8 KiB of headers, 1 MiB bodies, 16
   *     threads, 2 password checks at once and 8 waiting, 5 failed checks per address or account before a back-off
   *     of up to 5 minutes
   */
  public static ServerOptions on(InetSocketAddress address) {
    return builder().address(address).build();
  }

  /**
   * @return a builder with the defaults, on 127.0.0.1 and a free port
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return a builder holding these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.address = address;
    b.tls = tls;
    b.allowPlainHttp = allowPlainHttp;
    b.maxConnections = maxConnections;
    b.idleTimeout = idleTimeout;
    b.maxHeaderBytes = maxHeaderBytes;
    b.maxBodyBytes = maxBodyBytes;
    b.threads = threads;
    b.maxConcurrentPasswordChecks = maxConcurrentPasswordChecks;
    b.maxConnectionsPerAddress = maxConnectionsPerAddress;
    b.headerTimeout = headerTimeout;
    b.minRequestDataRate = minRequestDataRate;
    b.maxQueuedPasswordChecks = maxQueuedPasswordChecks;
    b.passwordFailuresAllowed = passwordFailuresAllowed;
    b.passwordBackoffLimit = passwordBackoffLimit;
    return b;
  }

  /** @return whether the service speaks HTTPS */
  public boolean secure() {
    return tls != null;
  }

  @Override
  public String toString() {
    return "ServerOptions[address=" + Endpoints.format(address) + ", tls=" + tls + ", allowPlainHttp=" + allowPlainHttp
        + ", maxConnections=" + maxConnections + ", idleTimeout=" + idleTimeout + ", maxHeaderBytes=" + maxHeaderBytes
        + ", maxBodyBytes=" + maxBodyBytes + ", threads=" + threads + ", maxConcurrentPasswordChecks="
        + maxConcurrentPasswordChecks + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress + ", headerTimeout="
        + headerTimeout + ", minRequestDataRate=" + minRequestDataRate + ", maxQueuedPasswordChecks="
        + maxQueuedPasswordChecks + ", passwordFailuresAllowed=" + passwordFailuresAllowed + ", passwordBackoffLimit="
        + passwordBackoffLimit + "]";
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o == this || o instanceof ServerOptions other
        && address.equals(other.address)
        && Objects.equals(tls, other.tls)
        && allowPlainHttp == other.allowPlainHttp
        && maxConnections == other.maxConnections
        && idleTimeout.equals(other.idleTimeout)
        && maxHeaderBytes == other.maxHeaderBytes
        && maxBodyBytes == other.maxBodyBytes
        && threads == other.threads
        && maxConcurrentPasswordChecks == other.maxConcurrentPasswordChecks
        && maxConnectionsPerAddress == other.maxConnectionsPerAddress
        && headerTimeout.equals(other.headerTimeout)
        && minRequestDataRate == other.minRequestDataRate
        && maxQueuedPasswordChecks == other.maxQueuedPasswordChecks
        && passwordFailuresAllowed == other.passwordFailuresAllowed
        && passwordBackoffLimit.equals(other.passwordBackoffLimit);
  }

  @Override
  public int hashCode() {
    return Objects.hash(address, tls, allowPlainHttp, maxConnections, idleTimeout, maxHeaderBytes, maxBodyBytes,
        threads, maxConcurrentPasswordChecks, maxConnectionsPerAddress, headerTimeout, minRequestDataRate,
        maxQueuedPasswordChecks, passwordFailuresAllowed, passwordBackoffLimit);
  }

  /** Builds {@link ServerOptions}. */
  public static final class Builder {
    private InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
    private @Nullable ServerTls tls;
    private boolean allowPlainHttp;
    private int maxConnections = 256;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private int maxHeaderBytes = 8 * 1024;
    private long maxBodyBytes = 1024 * 1024;
    private int threads = 16;
    private int maxConcurrentPasswordChecks = 2;
    private int maxConnectionsPerAddress = 32;
    private Duration headerTimeout = Duration.ofSeconds(10);
    private int minRequestDataRate = 1024;
    private int maxQueuedPasswordChecks = 8;
    private int passwordFailuresAllowed = 5;
    private Duration passwordBackoffLimit = Duration.ofMinutes(5);

    private Builder() {}

    /** @param address where to listen @return this builder */
    public Builder address(InetSocketAddress address) {
      Objects.requireNonNull(address, "address");
      this.address = address;
      return this;
    }

    /** @param tls HTTPS key material, or {@code null} for plain HTTP @return this builder */
    public Builder tls(@Nullable ServerTls tls) {
      this.tls = tls;
      return this;
    }

    /** @param allow whether plain HTTP may listen beyond loopback @return this builder */
    public Builder allowPlainHttp(boolean allow) {
      this.allowPlainHttp = allow;
      return this;
    }

    /** @param n connections served at once @return this builder */
    public Builder maxConnections(int n) {
      this.maxConnections = n;
      return this;
    }

    /** @param timeout how long a connection may stay silent @return this builder */
    public Builder idleTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      this.idleTimeout = timeout;
      return this;
    }

    /** @param bytes the largest request line plus headers @return this builder */
    public Builder maxHeaderBytes(int bytes) {
      this.maxHeaderBytes = bytes;
      return this;
    }

    /** @param bytes the largest request body by default @return this builder */
    public Builder maxBodyBytes(long bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    /** @param n request threads @return this builder */
    public Builder threads(int n) {
      this.threads = n;
      return this;
    }

    /** @param n password verifications at once @return this builder */
    public Builder maxConcurrentPasswordChecks(int n) {
      this.maxConcurrentPasswordChecks = n;
      return this;
    }

    /** @param n connections one client address may hold open @return this builder */
    public Builder maxConnectionsPerAddress(int n) {
      this.maxConnectionsPerAddress = n;
      return this;
    }

    /** @param timeout how long a request's line and headers may take @return this builder */
    public Builder headerTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      this.headerTimeout = timeout;
      return this;
    }

    /** @param bytesPerSecond the least rate of a request body, 0 for none @return this builder */
    public Builder minRequestDataRate(int bytesPerSecond) {
      this.minRequestDataRate = bytesPerSecond;
      return this;
    }

    /** @param n password verifications that may wait for a turn @return this builder */
    public Builder maxQueuedPasswordChecks(int n) {
      this.maxQueuedPasswordChecks = n;
      return this;
    }

    /** @param n failed checks per address or account before a back-off @return this builder */
    public Builder passwordFailuresAllowed(int n) {
      this.passwordFailuresAllowed = n;
      return this;
    }

    /** @param limit the longest password back-off @return this builder */
    public Builder passwordBackoffLimit(Duration limit) {
      Objects.requireNonNull(limit, "limit");
      this.passwordBackoffLimit = limit;
      return this;
    }

    /** @return the options @throws InvalidInputException for impossible limits or plain HTTP off loopback */
    public ServerOptions build() {
      return new ServerOptions(this);
    }
  }
}
