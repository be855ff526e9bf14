package io.delpha.sdk.parquet.internal.crypto;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * An encrypted file that cannot be read as asked: a module that fails its authentication (a wrong key, a changed
 * byte, a module moved from elsewhere), a key not given, an AAD prefix missing or not the file's, key material that
 * cannot be used. The message names the module and never holds a key. The readers turn it into a {@link
 * io.delpha.sdk.core.DataFormatException} naming the source.
 */
public final class DecryptionFailure extends IOException {
  private static final long serialVersionUID = 1L;

  /** @param message what failed, naming the module; never a secret */
  public DecryptionFailure(String message) {
    super(message);
  }

  /**
   * @param e a failure
   * @return the decryption failure it is or holds among its causes, or {@code null}
   */
  public static @Nullable DecryptionFailure in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DecryptionFailure f) {
        return f;
      }
    }
    return null;
  }
}
