// The JSON model (JSONValue, JSONWriter, JSONParser) lives in ShotJSON so that FalKit reads fal's
// replies with the same model; every user of ShotKit sees it as before.
@_exported import ShotJSON
