/** The Phoenix Channels wire protocol: messages and the V1, V2 and V2 binary serializers. */
module dev.rollcall.protocol {
  requires com.fasterxml.jackson.databind;

  exports dev.rollcall.protocol;
}
