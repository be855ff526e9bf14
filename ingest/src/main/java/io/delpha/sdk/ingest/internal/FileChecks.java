package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.ParquetMagic;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.ingest.FetchReport.RejectedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The checks every file passes before it is staged: a safe name, an accepted extension, content that
 * looks like that format (sniffed from its first 64 KiB), and the size limit. The count of files per
 * upload is checked by {@link #select(Path, IngestionConstraints)}, which applies them all to a directory
 * (the in-process {@code BatchIngestor.fetch} and the remote {@code UploadClient.fetch} both use it).
 */
public final class FileChecks {

  private static final int SNIFF_BYTES = 64 * 1024;

  private FileChecks() {}

  /**
   * @param name a file name
   * @return why it cannot be a staging key segment, or empty if it can
   */
  public static Optional<String> badName(String name) {
    if (name == null || name.isEmpty() || name.length() > 200 || name.equals(".") || name.equals("..")
        || name.startsWith(".") || !name.matches("[A-Za-z0-9._-]+")) {
      return Optional.of("file name must be letters, digits, '.', '_' or '-' (and not start with '.')");
    }
    return Optional.empty();
  }

  /**
   * Checks a file's name, extension and size; the content is sniffed by {@link #sniff}.
   *
   * @param name its name
   * @param size its size in bytes
   * @param constraints the customer's constraints
   * @return why it is refused, or empty if it passes
   */
  public static Optional<String> check(String name, long size, IngestionConstraints constraints) {
    Optional<String> bad = badName(name);
    if (bad.isPresent()) {
      return bad;
    }
    String ext = extension(name);
    if (!constraints.formats().contains(ext)) {
      return Optional.of("format " + (ext.isEmpty() ? "(no extension)" : ext) + " is not accepted; accepted: "
          + constraints.formats().stream().sorted().toList());
    }
    if (size > constraints.maxFileBytes()) {
      return Optional.of(String.format(Locale.ROOT, "file is %.1f KiB, over the limit of %d KiB", size / 1024.0,
          constraints.maxFileKib()));
    }
    if (size == 0) {
      return Optional.of("file is empty");
    }
    return Optional.empty();
  }

  /**
   * Looks at the start of the content to see whether it is what its extension says: {@code .parquet} starts with
   * {@code PAR1}, or {@code PARE} (a file whose footer is encrypted); {@code .json}, {@code .jsonl} and {@code
   * .ndjson} are text starting with an opening brace or bracket after an optional byte order mark and blanks; {@code
   * .csv}, {@code .tsv} and {@code .txt} are UTF-8 text without NUL bytes (neither a ZIP archive nor UTF-16 text).
   * Other extensions pass.
   *
   * @param name the file's name
   * @param content its content; up to 64 KiB are read, the stream is not closed
   * @return why the content does not match, or empty if it does
   * @throws IOException if reading fails
   */
  public static Optional<String> sniff(String name, InputStream content) throws IOException {
    byte[] head = content.readNBytes(SNIFF_BYTES);
    boolean whole = content.read() < 0;
    String ext = extension(name);
    switch (ext) {
      case ".parquet":
        // PAR1, or PARE: a file whose footer is encrypted (modular encryption), which the app reads with its keys
        return ParquetMagic.plain(head, 0) || ParquetMagic.encrypted(head, 0) ? Optional.empty()
            : Optional.of("content is not Parquet (no PAR1 or PARE magic)");
      case ".json":
      case ".jsonl":
      case ".ndjson": {
        Optional<String> text = text(head, whole);
        if (text.isPresent()) {
          return text;
        }
        String s = new String(head, StandardCharsets.UTF_8);
        s = (s.startsWith("\uFEFF") ? s.substring(1) : s).stripLeading(); // a byte order mark, as Windows tools write
        return s.startsWith("{") || s.startsWith("[") ? Optional.empty() : Optional.of("content is not JSON");
      }
      case ".csv":
      case ".tsv":
      case ".txt":
        return text(head, whole);
      default:
        return Optional.empty();
    }
  }

  /** UTF-8 text without NUL bytes (binary files and spreadsheets renamed to .csv fail here). */
  private static Optional<String> text(byte[] head, boolean whole) {
    if (head.length >= 2 && (head[0] == (byte) 0xFF && head[1] == (byte) 0xFE
        || head[0] == (byte) 0xFE && head[1] == (byte) 0xFF)) {
      return Optional.of("content is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8");
    }
    for (byte b : head) {
      if (b == 0) {
        return Optional.of("content is binary, not text (NUL byte found)");
      }
    }
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return Optional.of("content is a ZIP archive (e.g. a spreadsheet), not text");
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(head);
    CharBuffer out = CharBuffer.allocate(head.length + 1);
    CoderResult r = decoder.decode(in, out, whole);
    if (r.isError()) {
      return Optional.of("content is not UTF-8 text (bad byte at offset " + in.position() + ")");
    }
    return Optional.empty();
  }

  /**
   * @param name a file name
   * @return its extension in lower case with the dot, or empty
   */
  public static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
  }

  /**
   * A client input directory sorted into the files that may be sent and those refused, with reasons.
   *
   * @param passing the files that passed every check, in name order
   * @param rejected the refused files and why
   */
  public record Selection(List<Path> passing, List<RejectedFile> rejected) {}

  /**
   * Applies every check to the regular, non-hidden files of a directory. More files than {@link
   * IngestionConstraints#numberFiles()} refuses them all ("nothing was staged").
   *
   * @param dir the client input directory
   * @param constraints the customer's constraints
   * @return the selection; {@code rejected} is a mutable list the caller may add to
   * @throws NotFoundException if the directory does not exist
   * @throws ServiceUnavailableException if it cannot be listed
   */
  public static Selection select(Path dir, IngestionConstraints constraints) {
    if (!Files.isDirectory(dir)) {
      throw new NotFoundException("client input directory " + dir + " does not exist");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw new ServiceUnavailableException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    List<RejectedFile> rejected = new ArrayList<>();
    if (files.size() > constraints.numberFiles()) {
      String reason = "upload has " + files.size() + " files; the limit is " + constraints.numberFiles()
          + " per upload, so nothing was staged";
      files.forEach(f -> rejected.add(new RejectedFile(f.getFileName().toString(), reason)));
      return new Selection(List.of(), rejected);
    }
    List<Path> passing = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      Optional<String> bad;
      try {
        bad = check(name, Files.size(f), constraints);
        if (bad.isEmpty()) {
          try (InputStream in = Files.newInputStream(f)) {
            bad = sniff(name, in);
          }
        }
      } catch (IOException e) {
        bad = Optional.of("cannot read the file: " + e.getMessage());
      }
      bad.ifPresentOrElse(reason -> rejected.add(new RejectedFile(name, reason)), () -> passing.add(f));
    }
    return new Selection(List.copyOf(passing), rejected);
  }
}
