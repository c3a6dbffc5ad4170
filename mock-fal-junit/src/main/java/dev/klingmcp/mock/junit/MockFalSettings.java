package dev.klingmcp.mock.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How {@code @ExtendWith(MockFalExtension.class)} starts its mock (with {@code @RegisterExtension}, use
 * {@link MockFalExtension#builder()} instead). Clock and faults go in {@link ManualClock}, {@link ClockSpeed} and
 * {@link Faults}, which also work per test.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface MockFalSettings {

    /** A new mock for every test instead of one per class (slower; the reset makes sharing safe). */
    boolean perTest() default false;

    /** Keys accepted in {@code Authorization: Key <key>}; none = any non-empty key. */
    String[] apiKeys() default {};

    /** Validate at submit and answer 422 at once (fal validates when the job runs). */
    boolean strict() default false;

    /** Seed of request ids and random faults. */
    long seed() default 1;

    /** After each test, fail it if the client sent anything fal's documents do not allow. */
    boolean failOnContractViolations() default false;

    /** One log line per request on stderr. */
    boolean logRequests() default false;
}
