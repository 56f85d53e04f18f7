// Runs in the browser: publishes the camera to a WHIP URL as a WHIP client does (RFC 9725, no
// trickle), with the bearer token when one is given, and resolves to the session's Location.
window.publishToWhip = async (url, token) => {
  const media = await navigator.mediaDevices.getUserMedia({ video: true });
  const pc = new RTCPeerConnection();
  pc.addTransceiver(media.getVideoTracks()[0], { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
  });
  const headers = { 'content-type': 'application/sdp', ...(token && { authorization: `Bearer ${token}` }) };
  const response = await fetch(url, { method: 'POST', headers, body: pc.localDescription.sdp });
  const answer = await response.text();
  if (response.status !== 201) throw new Error(`WHIP answered ${response.status}: ${answer}`);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  window.whipConnection = pc;
  return response.headers.get('location');
};
