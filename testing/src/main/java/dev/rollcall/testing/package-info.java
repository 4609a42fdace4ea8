/** Fixtures the modules' tests share: running the JavaScript suites against a real server. */
package dev.rollcall.testing;
