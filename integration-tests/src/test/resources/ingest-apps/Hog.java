import java.lang.reflect.Field;

/**
 * Takes native memory (outside the heap, which the JVM would bound by itself) 16 MiB at a time, touching every page,
 * until something stops it; reports each step on standard error and half a protocol line on standard output.
 */
public class Hog {
  public static void main(String[] args) throws Exception {
    Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
    f.setAccessible(true);
    sun.misc.Unsafe unsafe = (sun.misc.Unsafe) f.get(null);
    System.out.print("{\"table\": \"orders\", \"row\": {\"id\": ");
    System.out.flush();
    for (long mib = 16; ; mib += 16) {
      long a = unsafe.allocateMemory(16L << 20);
      unsafe.setMemory(a, 16L << 20, (byte) 1);
      System.err.println("hog holds " + mib + " MiB");
    }
  }
}
