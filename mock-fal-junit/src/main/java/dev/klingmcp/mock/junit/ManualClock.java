package dev.klingmcp.mock.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Time stands still for the annotated test (or class) until the test moves it:
 * {@code fal.control().advanceClock(Duration.ofMinutes(2))}. A job then changes state exactly when the test says.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface ManualClock {}
