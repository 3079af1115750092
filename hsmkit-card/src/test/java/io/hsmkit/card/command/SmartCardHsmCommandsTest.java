package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.Ins;
import io.hsmkit.card.dispatch.CommandTable;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The dispatch table covers exactly the shared INS table (docs/protocol.md#command-table). */
class SmartCardHsmCommandsTest {

  @Test
  void everyInsHasAHandler_andNoOtherCodeHasOne() {
    CommandTable table = SmartCardHsmCommands.table();
    for (int code = 0; code <= 0xFF; code++) {
      assertThat(table.lookup(code).isPresent())
          .as("INS %02X", code)
          .isEqualTo(Ins.byCode(code).isPresent());
    }
  }

  @Test
  void handlersAreOnePerCommand() {
    CommandTable table = SmartCardHsmCommands.table();
    assertThat(Arrays.stream(Ins.values())
            .map(i -> table.lookup(i.code()).orElseThrow().getClass())
            .distinct()
            .count())
        .isEqualTo(Ins.values().length);
  }
}
