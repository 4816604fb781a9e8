package io.paysync.sandbox;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/** A bean that exists only in sandbox mode ({@code paysync.sandbox.enabled=true}, see {@link SandboxMode}). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ConditionalOnProperty(name = SandboxMode.ENABLED, havingValue = "true")
@interface SandboxOnly {
}
