package io.hsmkit.card.command;

import io.hsmkit.apdu.Ins;
import io.hsmkit.card.dispatch.CommandTable;
import java.util.Map;

/**
 * The SmartCard-HSM command set: handler by {@link Ins}, the INS table the host shares
 * (docs/protocol.md#command-table). The handlers are package-private: this table is the only way
 * in, so the rest of the card, and nothing outside it, can call a handler past the dispatcher.
 */
public final class SmartCardHsmCommands {
  private SmartCardHsmCommands() {}

  /** A new table of handlers (one per card: handlers hold no state, but tables are not shared). */
  public static CommandTable table() {
    return CommandTable.of(
        Map.ofEntries(
            Map.entry(Ins.SELECT, new SelectFileCommand()),
            Map.entry(Ins.READ_BINARY, new ReadBinaryCommand()),
            Map.entry(Ins.UPDATE_BINARY, new UpdateBinaryCommand()),
            Map.entry(Ins.DELETE_FILE, new DeleteFileCommand()),
            Map.entry(Ins.ENUMERATE_OBJECTS, new EnumerateObjectsCommand()),
            Map.entry(Ins.VERIFY, new VerifyCommand()),
            Map.entry(Ins.CHANGE_REFERENCE_DATA, new ChangeReferenceDataCommand()),
            Map.entry(Ins.RESET_RETRY_COUNTER, new ResetRetryCounterCommand()),
            Map.entry(Ins.INITIALIZE_DEVICE, new InitializeDeviceCommand()),
            Map.entry(Ins.GET_CHALLENGE, new GetChallengeCommand()),
            Map.entry(Ins.GENERATE_ASYMMETRIC_KEY_PAIR, new GenerateAsymmetricKeyPairCommand()),
            Map.entry(Ins.SIGN, new SignCommand()),
            Map.entry(Ins.DECIPHER, new DecipherCommand()),
            Map.entry(Ins.IMPORT_DKEK_SHARE, new ManageKeyDomainCommand()),
            Map.entry(Ins.WRAP_KEY, new WrapKeyCommand()),
            Map.entry(Ins.UNWRAP_KEY, new UnwrapKeyCommand()),
            Map.entry(Ins.GENERATE_SYMMETRIC_KEY, new GenerateSymmetricKeyCommand()),
            Map.entry(Ins.CIPHER, new CipherCommand()),
            Map.entry(Ins.DERIVE_EC_KEY, new DeriveEcKeyCommand()),
            Map.entry(Ins.MANAGE_SECURITY_ENVIRONMENT, new ManageSecurityEnvironmentCommand()),
            Map.entry(Ins.PERFORM_SECURITY_OPERATION, new VerifyCertificateCommand()),
            Map.entry(Ins.MANAGE_PUBLIC_KEY_AUTHENTICATION, new ManagePkaCommand()),
            Map.entry(Ins.EXTERNAL_AUTHENTICATE, new ExternalAuthenticateCommand())));
  }
}
