/** The superhero dispatch application built on channels and presence. */
package dev.rollcall.dispatch;
