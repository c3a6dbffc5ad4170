package dev.klingmcp.mock.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Simulated seconds per real second for the annotated test (or class): {@code @ClockSpeed(60)} runs a five-minute
 * Kling job in five seconds. The extension's default is {@value MockFalExtension#DEFAULT_SPEED}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface ClockSpeed {

    double value();
}
