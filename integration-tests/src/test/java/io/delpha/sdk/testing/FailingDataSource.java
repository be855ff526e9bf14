package io.delpha.sdk.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * A crash injector: real connections to a real PostgreSQL database that fail mid-load, in one of two ways.
 *
 * <ul>
 *   <li>{@code new FailingDataSource(db, n)}: prepared statements let {@code n} batch or update executions
 *       through, then fail as a connection lost mid-load would (SQLSTATE 08006), the server untouched.
 *   <li>{@link #killingBackendDuringCopy(DataSource, String)}: the first {@code COPY ... FROM STDIN} whose
 *       statement names a given table has its server process terminated ({@code pg_terminate_backend},
 *       from a second connection) as its first data goes out; the data then meets a dead connection,
 *       as it would if the server or the network died mid-COPY.
 * </ul>
 *
 * <pre>{@code
 * DataSource dying = FailingDataSource.killingBackendDuringCopy(warehouse, "totesys_stage_fact_payment");
 * }</pre>
 */
public final class FailingDataSource implements DataSource {

  private final DataSource delegate;
  private final int allowedExecutions;
  private final String copyToKill;
  private final AtomicInteger executions = new AtomicInteger();
  private final AtomicBoolean killed = new AtomicBoolean();

  /**
   * @param delegate the real database
   * @param allowedExecutions batch or update executions of prepared statements that succeed
   */
  public FailingDataSource(DataSource delegate, int allowedExecutions) {
    this(delegate, allowedExecutions, null);
  }

  private FailingDataSource(DataSource delegate, int allowedExecutions, String copyToKill) {
    this.delegate = delegate;
    this.allowedExecutions = allowedExecutions;
    this.copyToKill = copyToKill;
  }

  /**
   * @param delegate the real database; its user may terminate its own sessions
   * @param table a name the COPY statement to kill contains, e.g. a staging table's
   * @return a data source whose connections lose their server process during that COPY, once
   */
  public static FailingDataSource killingBackendDuringCopy(DataSource delegate, String table) {
    return new FailingDataSource(delegate, Integer.MAX_VALUE, table);
  }

  /**
   * @return prepared-statement batch and update executions so far
   */
  public int executions() {
    return executions.get();
  }

  /**
   * @return whether a COPY's server process has been terminated
   */
  public boolean killed() {
    return killed.get();
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return wrap(delegate.getConnection(user, password));
  }

  private Connection wrap(Connection real) {
    InvocationHandler connection = (proxy, method, args) -> {
      if (copyToKill != null && method.getName().equals("unwrap") && args[0] == PGConnection.class) {
        return killingCopies(real.unwrap(BaseConnection.class));
      }
      Object result = invoke(real, method, args);
      if (result instanceof PreparedStatement ps) {
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class},
            (p, m, a) -> {
              if ((m.getName().equals("executeBatch") || m.getName().equals("executeUpdate"))
                  && executions.incrementAndGet() > allowedExecutions) {
                throw new SQLException("injected: connection lost mid-load", "08006");
              }
              return invoke(ps, m, a);
            });
      }
      return result;
    };
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, connection);
  }

  /** The connection's COPY API, its COPY of {@link #copyToKill} losing the server process at the first data. */
  private PGConnection killingCopies(BaseConnection real) throws SQLException {
    CopyManager copyApi = new CopyManager(real) {
      @Override
      public CopyIn copyIn(String sql) throws SQLException {
        CopyIn copy = super.copyIn(sql);
        if (!sql.contains(copyToKill) || killed.get()) {
          return copy;
        }
        return (CopyIn) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CopyIn.class},
            (p, m, a) -> {
              if ((m.getName().equals("writeToCopy") || m.getName().equals("endCopy")) && killed.compareAndSet(false, true)) {
                terminate(real.getBackendPID());
              }
              return invoke(copy, m, a);
            });
      }
    };
    return (PGConnection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PGConnection.class},
        (p, m, a) -> m.getName().equals("getCopyAPI") ? copyApi : invoke(real, m, a));
  }

  /** Terminates a server process from another connection and waits until it is gone. */
  private void terminate(int pid) throws SQLException {
    try (Connection admin = delegate.getConnection();
        PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)");
        PreparedStatement alive = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
      kill.setInt(1, pid);
      kill.execute();
      alive.setInt(1, pid);
      ServerSupport.await("the server process " + pid + " to end", Duration.ofSeconds(30), () -> {
        try (ResultSet rs = alive.executeQuery()) {
          return rs.next() && rs.getInt(1) == 0;
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
    }
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return delegate.isWrapperFor(iface);
  }
}
