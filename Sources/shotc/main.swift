print("shotc")
