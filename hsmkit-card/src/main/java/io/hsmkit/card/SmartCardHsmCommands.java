package io.hsmkit.card;

import io.hsmkit.card.command.ChangeReferenceDataCommand;
import io.hsmkit.card.command.DecipherCommand;
import io.hsmkit.card.command.DeleteFileCommand;
import io.hsmkit.card.command.EnumerateObjectsCommand;
import io.hsmkit.card.command.GenerateAsymmetricKeyPairCommand;
import io.hsmkit.card.command.GetChallengeCommand;
import io.hsmkit.card.command.ImportDkekShareCommand;
import io.hsmkit.card.command.InitializeDeviceCommand;
import io.hsmkit.card.command.UnwrapKeyCommand;
import io.hsmkit.card.command.WrapKeyCommand;
import io.hsmkit.card.command.ReadBinaryCommand;
import io.hsmkit.card.command.ResetRetryCounterCommand;
import io.hsmkit.card.command.SelectFileCommand;
import io.hsmkit.card.command.SignCommand;
import io.hsmkit.card.command.UpdateBinaryCommand;
import io.hsmkit.card.command.VerifyCommand;
import io.hsmkit.card.dispatch.CommandTable;
import java.util.Map;

/** The SmartCard-HSM command set: INS to handler (docs/protocol.md#command-table). */
final class SmartCardHsmCommands {
  private SmartCardHsmCommands() {}

  static CommandTable table() {
    return CommandTable.of(
        Map.ofEntries(
            Map.entry(0xA4, new SelectFileCommand()),
            Map.entry(0xB1, new ReadBinaryCommand()),
            Map.entry(0xD7, new UpdateBinaryCommand()),
            Map.entry(0xE4, new DeleteFileCommand()),
            Map.entry(0x58, new EnumerateObjectsCommand()),
            Map.entry(0x20, new VerifyCommand()),
            Map.entry(0x24, new ChangeReferenceDataCommand()),
            Map.entry(0x2C, new ResetRetryCounterCommand()),
            Map.entry(0x50, new InitializeDeviceCommand()),
            Map.entry(0x84, new GetChallengeCommand()),
            Map.entry(0x46, new GenerateAsymmetricKeyPairCommand()),
            Map.entry(0x68, new SignCommand()),
            Map.entry(0x62, new DecipherCommand()),
            Map.entry(0x52, new ImportDkekShareCommand()),
            Map.entry(0x72, new WrapKeyCommand()),
            Map.entry(0x74, new UnwrapKeyCommand())));
  }
}
