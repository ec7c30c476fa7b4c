"""fusionline's training kit: trains the vision encoders and the cross-modal fusion models on
datasets exported by `./fusionline export-dataset`, and exports them as ONNX with model cards.

Python packages: Debian's python3-torch and python3-onnx only (run with /usr/bin/python3).
"""
