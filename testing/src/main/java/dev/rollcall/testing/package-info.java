/**
 * Fixtures the modules' tests share: running the JavaScript suites against a real server, and the
 * rule for a missing external tool (a loud skip locally, a failure under {@code CI=true}).
 */
package dev.rollcall.testing;
