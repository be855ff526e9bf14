package io.delpha.sdk.azure.internal;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import io.delpha.sdk.core.internal.http.HttpCaller;
import reactor.core.publisher.Mono;

/**
 * Puts the library's {@code User-Agent} ({@link HttpCaller#USER_AGENT}) before the Azure SDK's on every try of
 * every request to Key Vault and to the identity endpoint. A per-retry policy runs after the SDK's own user-agent
 * policy, which would otherwise replace it. Made here, typed as the SDK's interface, so that {@code
 * AzureKeyVaultProvider} links without the Azure stack (see {@code core.internal.Capability}).
 */
public final class AzureUserAgent implements HttpPipelinePolicy {

  private AzureUserAgent() {}

  /** @return the policy */
  public static HttpPipelinePolicy policy() {
    return new AzureUserAgent();
  }

  @Override
  public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
    prefix(context);
    return next.process();
  }

  @Override
  public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
    prefix(context);
    return next.processSync();
  }

  @Override
  public HttpPipelinePosition getPipelinePosition() {
    return HttpPipelinePosition.PER_RETRY;
  }

  private static void prefix(HttpPipelineCallContext context) {
    String sdk = context.getHttpRequest().getHeaders().getValue(HttpHeaderName.USER_AGENT);
    context.getHttpRequest().setHeader(HttpHeaderName.USER_AGENT,
        sdk == null || sdk.startsWith(HttpCaller.USER_AGENT) ? HttpCaller.USER_AGENT : HttpCaller.USER_AGENT + " " + sdk);
  }
}
