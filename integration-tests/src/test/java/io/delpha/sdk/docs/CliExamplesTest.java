package io.delpha.sdk.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the docs' command lines are read as the shell reads them")
class CliExamplesTest {

  @Test
  @DisplayName("a session's command is followed by what it prints, standard error marked or an error: line")
  void sessions() {
    List<CliExamples.Example> examples = CliExamples.of(MarkdownBlocks.parse(Path.of("docs/x.md"), List.of("```bash",
        "$ DELPHA_PASSWORD=... delpha fetch -u customer-1 \\", "    --server http://127.0.0.1:8080/",
        "upload: done, 1 staged          (standard error)", "staged   orders.csv (51.5 KiB)", "$ delpha x",
        "(a note)", "error: no", "```")));
    assertThat(examples).hasSize(2);
    CliExamples.Example fetch = examples.get(0);
    assertThat(fetch.where()).isEqualTo("docs/x.md:2");
    assertThat(fetch.env()).isEqualTo(Map.of("DELPHA_PASSWORD", "..."));
    assertThat(fetch.args()).containsExactly("fetch", "-u", "customer-1", "--server", "http://127.0.0.1:8080/");
    assertThat(fetch.out()).containsExactly("staged   orders.csv (51.5 KiB)");
    assertThat(fetch.err()).containsExactly("upload: done, 1 staged");
    assertThat(examples.get(1).out()).isEmpty();
    assertThat(examples.get(1).err()).containsExactly("error: no");
  }

  @Test
  @DisplayName("quotes, continuations inside quotes, comments and redirections")
  void words() {
    List<CliExamples.Example> examples = CliExamples.of(MarkdownBlocks.parse(Path.of("t.md"), List.of("```bash",
        "# a comment line", "cqlsh -e \"CREATE KEYSPACE k; \\", "    CREATE TABLE k.t (id int PRIMARY KEY)\"",
        "delpha totesys schedule --alert-command 'logger \"$MSG\"' > out.txt   # until Ctrl-C", "```")));
    assertThat(examples).hasSize(2);
    assertThat(examples.get(0).args())
        .containsExactly("-e", "CREATE KEYSPACE k;     CREATE TABLE k.t (id int PRIMARY KEY)");
    CliExamples.Example schedule = examples.get(1);
    assertThat(schedule.isDelpha()).isTrue();
    assertThat(schedule.args()).containsExactly("totesys", "schedule", "--alert-command", "logger \"$MSG\"");
    assertThat(schedule.redirect()).isEqualTo("out.txt");
    assertThat(schedule.comment()).isEqualTo("until Ctrl-C");
  }
}
