/**
 * The superhero dispatch application built on channels and presence: {@link
 * dev.rollcall.dispatch.NotificationsChannel} (the lobby every page joins), {@link
 * dev.rollcall.dispatch.NotificationsService} (the internal sender), the hero identity carried in a
 * signed token, and the launcher {@link dev.rollcall.dispatch.Main}.
 */
package dev.rollcall.dispatch;
