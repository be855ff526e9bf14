package io.delpha.sdk.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A crash injector: real connections to a real database whose prepared statements let N batch or
 * update executions through, then fail as a connection lost mid-load would (SQLSTATE 08006).
 */
public final class FailingDataSource implements DataSource {

  private final DataSource delegate;
  private final int allowedExecutions;
  private final AtomicInteger executions = new AtomicInteger();

  public FailingDataSource(DataSource delegate, int allowedExecutions) {
    this.delegate = delegate;
    this.allowedExecutions = allowedExecutions;
  }

  public int executions() {
    return executions.get();
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
