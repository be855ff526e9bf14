package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.token.Token;
import com.datastax.oss.driver.api.core.metadata.token.TokenRange;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The cluster's token map as an organisation key may see it: the ring itself (tokens, ranges, nodes), and
 * replicas only for the organisation's keyspaces. For any other keyspace, existing or not, every per-keyspace
 * question answers what the driver answers for a keyspace that does not exist (an empty set), so the map tells
 * nothing about which other keyspaces exist.
 */
final class ScopedTokenMap implements TokenMap {

  private final TokenMap all;
  private final Predicate<String> visible;

  ScopedTokenMap(TokenMap all, Predicate<String> visible) {
    this.all = all;
    this.visible = visible;
  }

  @Override
  public Token parse(String tokenString) {
    return all.parse(tokenString);
  }

  @Override
  public String format(Token token) {
    return all.format(token);
  }

  @Override
  public Token newToken(ByteBuffer... partitionKey) {
    return all.newToken(partitionKey);
  }

  @Override
  public TokenRange newTokenRange(Token start, Token end) {
    return all.newTokenRange(start, end);
  }

  @Override
  public Set<TokenRange> getTokenRanges() {
    return all.getTokenRanges();
  }

  @Override
  public Set<TokenRange> getTokenRanges(Node node) {
    return all.getTokenRanges(node);
  }

  @Override
  public Set<TokenRange> getTokenRanges(CqlIdentifier keyspace, Node replica) {
    return visible.test(keyspace.asInternal()) ? all.getTokenRanges(keyspace, replica) : Set.of();
  }

  @Override
  public Set<Node> getReplicas(CqlIdentifier keyspace, ByteBuffer partitionKey) {
    return visible.test(keyspace.asInternal()) ? all.getReplicas(keyspace, partitionKey) : Set.of();
  }

  @Override
  public Set<Node> getReplicas(CqlIdentifier keyspace, Token token) {
    return visible.test(keyspace.asInternal()) ? all.getReplicas(keyspace, token) : Set.of();
  }

  @Override
  public Set<Node> getReplicas(CqlIdentifier keyspace, TokenRange range) {
    return visible.test(keyspace.asInternal()) ? all.getReplicas(keyspace, range) : Set.of();
  }

  @Override
  public String getPartitionerName() {
    return all.getPartitionerName();
  }
}
