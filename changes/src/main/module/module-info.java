/**
 * Salesforce Change Data Capture over the Pub/Sub API, applied into Cassandra tables. Its stack (gRPC, protobuf,
 * Avro) comes with this module's jar; the everything artifact leaves it out, so on the module path each of its modules
 * is read when the capability check finds it.
 */
module io.delpha.sdk.changes {
  requires transitive io.delpha.sdk.cassandra;
  requires transitive io.delpha.sdk.salesforce;
  requires static io.grpc;
  requires static io.grpc.stub;
  requires static io.grpc.protobuf;
  requires static io.grpc.netty.shaded;
  requires static com.google.protobuf;
  requires static org.apache.avro;
  requires static com.google.common;

  exports io.delpha.sdk.changes;

  provides io.delpha.sdk.core.internal.StackReader with io.delpha.sdk.changes.internal.ChangesStack;
}
