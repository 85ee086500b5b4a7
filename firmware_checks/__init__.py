"""Talk to drone flight controllers (Betaflight, INAV) over MSP and the CLI; check them at a bench."""
