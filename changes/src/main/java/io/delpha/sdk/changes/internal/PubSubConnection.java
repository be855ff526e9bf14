package io.delpha.sdk.changes.internal;

import io.delpha.sdk.changes.ChangeStreamConfig;
import io.delpha.sdk.changes.PubSubSession;
import com.google.protobuf.ByteString;
import io.delpha.sdk.changes.internal.pubsub.CommitReplayRequest;
import io.delpha.sdk.changes.internal.pubsub.CommitReplayResponse;
import io.delpha.sdk.changes.internal.pubsub.ConsumerEvent;
import io.delpha.sdk.changes.internal.pubsub.FetchRequest;
import io.delpha.sdk.changes.internal.pubsub.FetchResponse;
import io.delpha.sdk.changes.internal.pubsub.ManagedFetchRequest;
import io.delpha.sdk.changes.internal.pubsub.ManagedFetchResponse;
import io.delpha.sdk.changes.internal.pubsub.PubSubGrpc;
import io.delpha.sdk.changes.internal.pubsub.SchemaInfo;
import io.delpha.sdk.changes.internal.pubsub.SchemaRequest;
import io.delpha.sdk.changes.internal.pubsub.TopicInfo;
import io.delpha.sdk.changes.internal.pubsub.TopicRequest;
import io.delpha.sdk.core.internal.http.Peers;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The gRPC side of a stream: one channel to the Pub/Sub API (TLS, except to a loopback address), the three headers of
 * the session on every call, and every answer bounded by the response limits' {@code maxBodyBytes} (gRPC refuses a
 * larger message before it is read). Thread-safe.
 */
public final class PubSubConnection implements AutoCloseable {

  static final Metadata.Key<String> ACCESS_TOKEN = Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> INSTANCE_URL = Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> TENANT_ID = Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER);
  /** Where the Pub/Sub API names its own error code, in a failed call's trailers. */
  public static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("error-code", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * Answers gRPC delivers ahead of the stream's thread, at most (each at most {@code maxBodyBytes}): the next is read
   * while the thread applies one, so the thread does not wait for a hand-off between threads at every answer (on a busy
   * machine a wake-up can take milliseconds). What the server may send is still bounded by the events requested.
   */
  static final int AHEAD = 4;

  private final ManagedChannel channel;
  private final ChangeStreamConfig config;
  private final int maxMessage;

  /**
   * @param config the stream's settings
   * @param channels the channel to use instead of the endpoint (tests), or {@code null}
   */
  public PubSubConnection(ChangeStreamConfig config, @Nullable Supplier<?> channels) {
    this.config = config;
    this.maxMessage = (int) Math.min(Integer.MAX_VALUE, config.responseLimits().maxBodyBytes());
    if (channels != null) {
      this.channel = (ManagedChannel) channels.get();
    } else {
      String endpoint = config.endpoint();
      String host = endpoint.substring(0, endpoint.lastIndexOf(':'));
      NettyChannelBuilder b = NettyChannelBuilder.forTarget(endpoint).maxInboundMessageSize(maxMessage)
          .maxInboundMetadataSize(64 * 1024);
      if (Peers.isLoopback(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)) {
        b.usePlaintext();
      } else {
        b.useTransportSecurity();
      }
      this.channel = b.build();
    }
  }

  private static Metadata headers(PubSubSession session) {
    Metadata m = new Metadata();
    m.put(ACCESS_TOKEN, session.accessToken().reveal());
    m.put(INSTANCE_URL, session.instanceUrl());
    m.put(TENANT_ID, session.tenantId());
    return m;
  }

  private CallOptions options() {
    return CallOptions.DEFAULT.withMaxInboundMessageSize(maxMessage);
  }

  /**
   * @param session the session
   * @param schemaId a schema id an event named
   * @return the schema's JSON
   */
  public SchemaInfo schema(PubSubSession session, String schemaId) {
    return ClientCalls.blockingUnaryCall(withHeaders(session), PubSubGrpc.getGetSchemaMethod(), unaryOptions(),
        SchemaRequest.newBuilder().setSchemaId(schemaId).build());
  }

  /**
   * @param session the session
   * @param topic a topic
   * @return what the API says of it (its current schema id among it)
   */
  public TopicInfo topic(PubSubSession session, String topic) {
    return ClientCalls.blockingUnaryCall(withHeaders(session), PubSubGrpc.getGetTopicMethod(), unaryOptions(),
        TopicRequest.newBuilder().setTopicName(topic).build());
  }

  private Channel withHeaders(PubSubSession session) {
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers(session)));
  }

  private CallOptions unaryOptions() {
    return options().withDeadlineAfter(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Opens a Subscribe stream and sends its first request.
   *
   * @param session the session
   * @param first the first request (topic, replay preset and id, how many events)
   * @return the stream
   */
  public Subscription<FetchRequest, FetchResponse> subscribe(PubSubSession session, FetchRequest first) {
    return open(session, Wire.SUBSCRIBE, first);
  }

  /**
   * Opens a ManagedSubscribe stream and sends its first request: the server starts it after the replay id last
   * committed for the subscription (else where the subscription's {@code defaultReplay} says).
   *
   * @param session the session
   * @param first the first request (the subscription's id or developer name, how many events)
   * @return the stream
   */
  public Subscription<ManagedFetchRequest, ManagedFetchResponse> managedSubscribe(PubSubSession session,
      ManagedFetchRequest first) {
    return open(session, Wire.MANAGED, first);
  }

  private <Q, R> Subscription<Q, R> open(PubSubSession session, Wire<Q, R> wire, Q first) {
    ClientCall<Q, R> call = channel.newCall(wire.method(), options());
    Subscription<Q, R> s = new Subscription<>(call, wire);
    call.start(s.listener(), headers(session));
    call.request(AHEAD);
    call.sendMessage(first);
    return s;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How a stream ended: the status and trailers gRPC closed it with. */
  public record Closed(Status status, Metadata trailers) {}

  /**
   * One answer of either stream, as the runner reads it.
   *
   * @param events the events, in order
   * @param latestReplayId the subscription's latest replay id (a keep-alive's position)
   * @param size the answer's size on the wire, in bytes
   * @param commit the server's answer to commits of a managed stream, or {@code null}
   */
  public record Answer(List<ConsumerEvent> events, ByteString latestReplayId, int size,
      @Nullable CommitReplayResponse commit) {}

  /**
   * What differs between Subscribe and ManagedSubscribe: the method, the request for more events, the commit request
   * (none for Subscribe) and the reading of an answer.
   */
  private record Wire<Q, R>(MethodDescriptor<Q, R> method, IntFunction<Q> more,
      @Nullable CommitBuilder<Q> commit, Function<R, Answer> read) {

    static final Wire<FetchRequest, FetchResponse> SUBSCRIBE = new Wire<>(PubSubGrpc.getSubscribeMethod(),
        n -> FetchRequest.newBuilder().setNumRequested(n).build(), null,
        r -> new Answer(r.getEventsList(), r.getLatestReplayId(), r.getSerializedSize(), null));

    static final Wire<ManagedFetchRequest, ManagedFetchResponse> MANAGED = new Wire<>(
        PubSubGrpc.getManagedSubscribeMethod(),
        n -> ManagedFetchRequest.newBuilder().setNumRequested(n).build(),
        (id, replay) -> ManagedFetchRequest.newBuilder().setCommitReplayIdRequest(
            CommitReplayRequest.newBuilder().setCommitRequestId(id).setReplayId(replay)).build(),
        r -> new Answer(r.getEventsList(), r.getLatestReplayId(), r.getSerializedSize(),
            r.hasCommitResponse() ? r.getCommitResponse() : null));
  }

  /** Builds a commit request. */
  private interface CommitBuilder<Q> {
    Q build(String commitRequestId, ByteString replayId);
  }

  /**
   * One Subscribe or ManagedSubscribe stream: its answers at most {@link #AHEAD} ahead of the thread that takes them
   * (gRPC is asked for one more each time one is taken), the requests for more events, the commits of a managed one.
   * Used by one thread, except {@link #cancel()}.
   *
   * @param <Q> the stream's request message
   * @param <R> the stream's answer message
   */
  public static final class Subscription<Q, R> {
    private final ClientCall<Q, R> call;
    private final Wire<Q, R> wire;
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();

    Subscription(ClientCall<Q, R> call, Wire<Q, R> wire) {
      this.call = call;
      this.wire = wire;
    }

    ClientCall.Listener<R> listener() {
      return new ClientCall.Listener<>() {
        @Override
        public void onMessage(R message) {
          inbox.add(wire.read().apply(message));
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          inbox.add(new Closed(status, trailers));
        }
      };
    }

    /**
     * @param timeout how long to wait
     * @return the next answer ({@link Answer}) or the end ({@link Closed}), or {@code null} if none came in time
     * @throws InterruptedException if the thread is interrupted
     */
    public @Nullable Object next(Duration timeout) throws InterruptedException {
      Object o = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (o instanceof Answer) {
        call.request(1);
      }
      return o;
    }

    /**
     * @param events how many more events the stream may send
     */
    public void request(int events) {
      call.sendMessage(wire.more().apply(events));
    }

    /**
     * Commits a replay id to the server (a managed stream only): a later ManagedSubscribe starts after it.
     *
     * @param commitRequestId names the commit in the server's {@code commit_response}
     * @param replayId the replay id of the last event applied, or the latest replay id of an empty answer
     * @throws IllegalStateException on a Subscribe stream, which has no commits
     */
    public void commit(String commitRequestId, ByteString replayId) {
      CommitBuilder<Q> commit = wire.commit();
      if (commit == null) {
        throw new IllegalStateException("a Subscribe stream commits nothing: its replay id is the client's to keep");
      }
      call.sendMessage(commit.build(commitRequestId, replayId));
    }

    /** Ends the stream from this side. */
    public void cancel() {
      call.cancel("the change stream stopped", null);
    }
  }
}
