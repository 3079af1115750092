package io.hsmkit.arch;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.hsmkit.apdu.layeringfixture.ApduUsesClient;
import io.hsmkit.card.layeringfixture.CardUsesBridge;
import io.hsmkit.cli.layeringfixture.CliUsesTestkit;
import io.hsmkit.client.layeringfixture.ClientUsesCard;
import io.hsmkit.jca.layeringfixture.JcaUsesCardInternals;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module layering (CONTRIBUTING.md "Layering") over the production classes of every module.
 * Modules are told apart by their packages ({@code io.hsmkit.<module>..}). The card's published API
 * is {@code io.hsmkit.card} (CardOs, CardEnvironment), its state store ({@code io.hsmkit.card.state})
 * and the KDF cost {@code KdfParams} that CardEnvironment takes; the rest of the card is internal.
 *
 * <p>The second half proves the rules bite: each class under {@code *.layeringfixture} in this
 * module's test sources makes one forbidden dependency, and the same rules, run over it, fail.
 */
class LayeringTest {
  private static final String KDF_PARAMS = "io.hsmkit.card.seal.KdfParams";

  private static final ArchRule LAYERS =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("Apdu").definedBy("io.hsmkit.apdu..")
          .layer("CardApi").definedBy(describe("the card's published API",
              (JavaClass c) -> c.getPackageName().equals("io.hsmkit.card")
                  || c.getPackageName().startsWith("io.hsmkit.card.state")
                  || c.getName().equals(KDF_PARAMS)))
          .layer("CardInternals").definedBy(describe("the card's internals",
              (JavaClass c) -> c.getPackageName().startsWith("io.hsmkit.card.")
                  && !c.getPackageName().startsWith("io.hsmkit.card.state")
                  && !c.getName().equals(KDF_PARAMS)))
          .layer("Bridge").definedBy("io.hsmkit.bridge..")
          .layer("Client").definedBy("io.hsmkit.client..")
          .layer("Token").definedBy("io.hsmkit.token..")
          .layer("Jca").definedBy("io.hsmkit.jca..")
          .layer("Cli").definedBy("io.hsmkit.cli..")
          .layer("Testkit").definedBy("io.hsmkit.testkit..")
          .layer("Proptest").definedBy("io.hsmkit.proptest..")
          .whereLayer("Apdu").mayNotAccessAnyLayer()
          .whereLayer("CardApi").mayOnlyAccessLayers("CardInternals", "Apdu")
          .whereLayer("CardInternals").mayOnlyAccessLayers("CardApi", "Apdu")
          .whereLayer("CardInternals").mayOnlyBeAccessedByLayers("CardApi")
          .whereLayer("Bridge").mayOnlyAccessLayers("CardApi", "Apdu")
          .whereLayer("Client").mayOnlyAccessLayers("Apdu")
          .whereLayer("Token").mayOnlyAccessLayers("Client", "CardApi", "Apdu")
          .whereLayer("Jca").mayOnlyAccessLayers("Client", "Apdu")
          .whereLayer("Cli").mayOnlyAccessLayers("Apdu", "CardApi", "Bridge", "Client", "Token")
          .whereLayer("Testkit").mayOnlyAccessLayers("Apdu")
          .whereLayer("Testkit").mayNotBeAccessedByAnyLayer()
          .whereLayer("Proptest").mayNotAccessAnyLayer()
          .whereLayer("Proptest").mayNotBeAccessedByAnyLayer()
          .ensureAllClassesAreContainedInArchitecture();

  /** Outside hsmkit, the codec uses the JDK only, the card the JDK and Bouncy Castle. */
  private static final ArchRule APDU_THIRD_PARTY =
      classes().that().resideInAPackage("io.hsmkit.apdu..")
          .should().onlyDependOnClassesThat().resideInAnyPackage("io.hsmkit.apdu..", "java..")
          .allowEmptyShould(true);

  private static final ArchRule CARD_THIRD_PARTY =
      classes().that().resideInAPackage("io.hsmkit.card..")
          .should().onlyDependOnClassesThat().resideInAnyPackage(
              "io.hsmkit.card..", "io.hsmkit.apdu..", "java..", "javax.crypto..",
              "org.bouncycastle..")
          .allowEmptyShould(true);

  static final List<ArchRule> RULES = List.of(LAYERS, APDU_THIRD_PARTY, CARD_THIRD_PARTY);

  @Test
  void productionClassesKeepTheLayering() {
    JavaClasses production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hsmkit");
    // the import saw every module, or a rule could pass for want of classes
    for (String probe : List.of("io.hsmkit.apdu.CommandApdu", "io.hsmkit.card.CardOs",
        "io.hsmkit.bridge.VpcdClient", "io.hsmkit.client.SmartCardHsmSession",
        "io.hsmkit.token.Token", "io.hsmkit.jca.SmartCardHsmProvider",
        "io.hsmkit.cli.HsmkitCommand", "io.hsmkit.testkit.Vectors")) {
      assertThat(production.contain(probe)).as(probe).isTrue();
    }
    assertThat(production.stream().filter(c -> c.getPackageName().contains("layeringfixture")))
        .isEmpty();
    for (ArchRule rule : RULES) {
      rule.check(production);
    }
  }

  static Stream<Class<?>> forbidden() {
    return Stream.of(ApduUsesClient.class, CardUsesBridge.class, ClientUsesCard.class,
        JcaUsesCardInternals.class, CliUsesTestkit.class);
  }

  @ParameterizedTest
  @MethodSource("forbidden")
  void aForbiddenDependencyFailsTheRules(Class<?> offender) {
    JavaClasses classes = new ClassFileImporter().importClasses(offender);
    List<String> reports = RULES.stream()
        .map(r -> r.evaluate(classes))
        .filter(EvaluationResult::hasViolation)
        .map(r -> r.getFailureReport().toString())
        .toList();
    assertThat(reports).isNotEmpty();
    assertThat(String.join("\n", reports)).contains(offender.getName());
  }
}
